/**
 * Finance keeps its customers: creates them ahead of their first order, finds
 * them by email, and sets their credit limit, terms, language, tax id, address
 * and dunning exemption. Every change is audited with the state before and after.
 *
 * create: 1. The id is the one intake would derive (shop + email), so the
 *   customer's first order finds them. 2. Absent: created with the given limit
 *   or the new-customer limit of its currency — 201. Present: 409 naming the id.
 * update: 1. The customer must exist (404). 2. The changes are applied to what
 *   was read and written if nobody changed it meanwhile (else retried by the caller, 409).
 */
import { todayIn } from '#domain/dates';
import { isBusiness, type CollectionsStatus } from '#domain/dunning';
import { customerId as customerIdOf } from '#domain/ids';
import type { Address, Language, Money, PaymentTerms } from '#domain/model';
import { NO_SHOP } from '#domain/order';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Clock, Company, Customers, StoredCustomer } from '../ports.ts';

export interface ManageCustomersDeps {
  readonly customers: Customers;
  readonly clock: Clock;
  readonly company: Company;
  readonly newCustomerCreditLimits: Readonly<Record<string, number>>;
}

export interface CustomerChanges {
  readonly name?: string;
  readonly language?: Language;
  /** In the customer's currency (a limit in another currency is refused: o2c has no FX rates). */
  readonly creditLimit?: Money;
  readonly terms?: PaymentTerms;
  readonly taxId?: string;
  readonly billingAddress?: Address;
  readonly vatNumber?: string;
  readonly companyNumber?: string;
  readonly peppolId?: { readonly scheme: string; readonly id: string };
  readonly eInvoice?: boolean;
  readonly dunningExempt?: boolean;
  /** Business or consumer (dunning fees; absent: a business when it has a tax id). */
  readonly kind?: 'business' | 'consumer';
  /** Finance's decision on the collections status dunning set: `none` lifts a hold, a suspension or the hand-over. */
  readonly collectionsStatus?: CollectionsStatus | 'none';
}

export interface NewCustomerInput extends CustomerChanges {
  readonly email: string;
  readonly name: string;
  readonly shop?: string;
}

/** What the audit trail keeps of a customer (no internals). */
const visible = (c: Partial<StoredCustomer>) => {
  const { name, email, language, currency, creditLimit, terms, taxId, billingAddress, vatNumber, companyNumber, peppolId, eInvoice, dunningExempt, kind } = c;
  const limit = creditLimit === undefined || currency === undefined ? undefined : { amount: creditLimit, currency };
  return Object.fromEntries(Object.entries({ name, email, language, currency, creditLimit: limit, terms, taxId, billingAddress, vatNumber, companyNumber, peppolId, eInvoice, dunningExempt, kind }).filter(([, v]) => v !== undefined));
};

/** A customer as the finance API answers it: money as `{ amount, currency }`, no keys or versions. */
export function customerView(c: StoredCustomer) {
  return {
    customerId: c.id,
    ...(c.shop ? { shop: c.shop } : {}),
    name: c.name,
    email: c.email,
    language: c.language,
    currency: c.currency,
    creditLimit: { amount: c.creditLimit, currency: c.currency },
    terms: c.terms,
    riskScore: c.riskScore,
    dunningExempt: c.dunningExempt === true,
    kind: isBusiness(c) ? 'business' : 'consumer',
    collectionsStatus: c.collectionsStatus ?? 'none',
    ...(c.collectionsSince ? { collectionsSince: c.collectionsSince, collectionsLevel: c.collectionsLevel } : {}),
    ...(c.taxId ? { taxId: c.taxId } : {}),
    ...(c.billingAddress ? { billingAddress: c.billingAddress } : {}),
    ...(c.vatNumber ? { vatNumber: c.vatNumber } : {}),
    ...(c.companyNumber ? { companyNumber: c.companyNumber } : {}),
    ...(c.peppolId ? { peppolId: c.peppolId } : {}),
    eInvoice: c.eInvoice === true,
  };
}

export async function createCustomer(input: NewCustomerInput, actor: string, deps: ManageCustomersDeps): Promise<{ customerId: string }> {
  const shop = input.shop ?? NO_SHOP;
  const id = customerIdOf(shop, input.email);
  const currency = input.creditLimit?.currency ?? deps.company.baseCurrency;
  const at = deps.clock.now().toISOString();
  const customer = {
    id,
    shop,
    name: input.name,
    email: input.email.trim().toLowerCase(),
    language: input.language ?? deps.company.defaultLanguage,
    timezone: deps.company.timezone,
    currency,
    terms: input.terms ?? deps.company.defaultTerms,
    creditLimit: input.creditLimit?.amount ?? deps.newCustomerCreditLimits[currency] ?? 0,
    riskScore: 0,
    dunningState: 'none' as const,
    ...(input.taxId ? { taxId: input.taxId } : {}),
    ...(input.billingAddress ? { billingAddress: input.billingAddress } : {}),
    ...(input.vatNumber ? { vatNumber: input.vatNumber } : {}),
    ...(input.companyNumber ? { companyNumber: input.companyNumber } : {}),
    ...(input.peppolId ? { peppolId: input.peppolId } : {}),
    ...(input.eInvoice ? { eInvoice: true } : {}),
    ...(input.dunningExempt ? { dunningExempt: true } : {}),
    ...(input.kind ? { kind: input.kind } : {}),
    createdAt: at,
  };
  const { created } = await deps.customers.create(customer, { at, on: todayIn(deps.company.timezone, new Date(at)), actor, action: 'customer.create', entity: `customer:${id}`, after: visible(customer) });
  if (!created) throw new ConflictError(`a customer with the email ${customer.email} exists already (${id})`, 'CustomerExists');
  return { customerId: id };
}

export async function findCustomer(query: { email: string; shop?: string }, deps: Pick<ManageCustomersDeps, 'customers'>): Promise<StoredCustomer> {
  const found = await deps.customers.findByEmail(query.shop ?? NO_SHOP, query.email.trim().toLowerCase());
  if (!found) throw new NotFoundError(`no customer has the email ${query.email}${query.shop ? ` in ${query.shop}` : ''}`, 'CustomerNotFound');
  return found;
}

export async function getCustomer(customerId: string, deps: Pick<ManageCustomersDeps, 'customers'>): Promise<StoredCustomer> {
  const found = await deps.customers.get(customerId);
  if (!found) throw new NotFoundError(`customer ${customerId} does not exist`, 'CustomerNotFound');
  return found;
}

export async function updateCustomer(customerId: string, changes: CustomerChanges, actor: string, reason: string | undefined, deps: ManageCustomersDeps): Promise<StoredCustomer> {
  const before = await getCustomer(customerId, deps);
  const { creditLimit, collectionsStatus, ...rest } = changes;
  if (creditLimit && creditLimit.currency !== before.currency) {
    throw new ConflictError(`customer ${customerId} buys in ${before.currency}; a credit limit in ${creditLimit.currency} cannot apply (o2c converts no currencies)`, 'CurrencyMismatch');
  }
  let after: StoredCustomer = { ...before, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), ...(creditLimit ? { creditLimit: creditLimit.amount } : {}) };
  if (collectionsStatus === 'none') {
    const { collectionsStatus: _s, collectionsSince: _d, collectionsLevel: _l, ...lifted } = after;
    after = lifted;
  } else if (collectionsStatus) after = { ...after, collectionsStatus, collectionsSince: todayIn(deps.company.timezone, deps.clock.now()), collectionsLevel: 'finance' };
  const keys = [...Object.keys(rest), ...(creditLimit ? ['creditLimit'] : []), ...(collectionsStatus ? ['collectionsStatus'] : [])];
  const field = (c: StoredCustomer, k: string) => (c as unknown as Record<string, unknown>)[k];
  const changed = keys.filter((k) => JSON.stringify(field(before, k)) !== JSON.stringify(field(after, k)));
  if (changed.length === 0) return before;
  const pick = (c: StoredCustomer) => Object.fromEntries(changed.map((k) => [k, k === 'creditLimit' ? { amount: c.creditLimit, currency: c.currency } : (field(c, k) ?? null)]));
  return deps.customers.update(before, after, {
    at: deps.clock.now().toISOString(),
    on: todayIn(deps.company.timezone, deps.clock.now()),
    actor,
    action: 'customer.update',
    entity: `customer:${customerId}`,
    before: pick(before),
    after: pick(after),
    ...(reason ? { reason } : {}),
  });
}
