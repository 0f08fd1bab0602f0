/**
 * The finance team's commands (`npm run o2c -- customers …`, `credit-note`,
 * `write-off`, `payments record|show|apply|refund`, `statement`, `dispute open|resolve`, `promise`, `plans add|list|cancel`, `refunds`, `audit`,
 * `bank import|show|apply|reject`), on the same /finance API locally
 * and against a deployed stack:
 * - locally (default `http://127.0.0.1:3000`) with the development finance key;
 * - deployed, with `--stack O2c-prod` (its ApiUrl output) or
 *   `O2C_API_URL=https://….execute-api.<region>.amazonaws.com`: every request
 *   is signed with SigV4 (service execute-api) from the standard AWS
 *   credential chain (env, profile, SSO, instance role).
 * Amounts are typed and printed as decimals in their currency ("12.00"), never
 * minor units; `--json` prints the API's answer for scripts.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { isIsoDate } from '../functions/domain/dates.ts';
import { formatMoney, isCurrency, parseDecimal } from '../functions/domain/money.ts';
import { PACK_KINDS, type PackKind } from '../functions/domain/finance-pack.ts';
import { riskFactorWords } from '../functions/messages/en.ts';
import { DEV_SECRETS } from './stack.ts';
import { packText } from './report-text.ts';

export class CliError extends Error {}

const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 as SignatureV4 wants it (a Checksum constructor, HMAC when given a secret). */
export class Sha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface FinanceApi {
  readonly url: string;
  /** The answer as JSON; with `accept` (e.g. `application/pdf`) the body's bytes. */
  /** `raw`: send this text as the body with its content type (a bank file), instead of `body` as JSON. */
  call(method: string, path: string, body?: unknown, options?: { accept?: string; idempotencyKey?: string; raw?: { text: string; contentType: string } }): Promise<any>;
}

/** The API URL of a deployed stack: its `ApiUrl` output, read with the standard AWS credential chain. */
export async function stackApiUrl(stackName: string, region?: string): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(region ? { region } : {});
  let stacks;
  try {
    ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    throw new CliError(`cannot read stack ${stackName}: ${(error as Error).message}`);
  }
  const url = stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'ApiUrl')?.OutputValue;
  if (!url) throw new CliError(`stack ${stackName} has no ApiUrl output (is it the o2c service stack, e.g. O2c-prod, not O2c-prod-data?)`);
  return url;
}

/** The finance API: local (the finance key), or deployed (`O2C_API_URL`, or `stack` resolved to its URL) with SigV4. */
export function financeApi(env: NodeJS.ProcessEnv = process.env, stack?: string): FinanceApi {
  const local = `http://127.0.0.1:${env.O2C_API_PORT ?? 3000}`;
  let deployed: Promise<string | undefined> | undefined;
  const deployedUrl = () => (deployed ??= stack ? stackApiUrl(stack, env.AWS_REGION) : Promise.resolve(env.O2C_API_URL));
  return {
    get url() {
      return (env.O2C_API_URL ?? (stack ? `the API of stack ${stack}` : local)).replace(/\/$/, '');
    },
    async call(method, path, body, options = {}) {
      const remote = (await deployedUrl())?.replace(/\/$/, '');
      const url = remote ?? local;
      const signer = remote
        ? new SignatureV4({ service: 'execute-api', region: env.AWS_REGION ?? /execute-api\.([a-z0-9-]+)\./.exec(remote)?.[1] ?? 'eu-west-1', credentials: defaultProvider(), sha256: Sha256 })
        : undefined;
      const target = new URL(`${url}${path}`);
      const payload = options.raw ? options.raw.text : body === undefined ? undefined : JSON.stringify(body);
      let headers: Record<string, string> = { 'content-type': options.raw?.contentType ?? 'application/json', host: target.host, ...(options.accept ? { accept: options.accept } : {}), ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}) };
      if (signer) {
        const signed = await signer.sign({
          method,
          protocol: target.protocol,
          hostname: target.hostname,
          path: target.pathname,
          query: Object.fromEntries(target.searchParams),
          headers,
          ...(payload ? { body: payload } : {}),
        });
        headers = signed.headers as Record<string, string>;
      } else {
        headers['x-api-key'] = env.O2C_FINANCE_KEY || DEV_SECRETS.O2C_FINANCE_KEY;
      }
      let res: Response;
      try {
        res = await fetch(target, { method, headers, ...(payload ? { body: payload } : {}) });
      } catch {
        throw new CliError(`no o2c API answers at ${url}${remote ? '' : ': start the local stack with `npm start` (or set O2C_API_URL or --stack for a deployed one)'}`);
      }
      if (res.ok && options.accept && res.headers.get('content-type')?.startsWith(options.accept)) return Buffer.from(await res.arrayBuffer());
      const text = await res.text();
      let json: any = {};
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        json = { message: text };
      }
      if (!res.ok) throw new CliError(`${json.message ?? `HTTP ${res.status}`}${json.issues ? ` (${json.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`).join('; ')})` : ''}`);
      return json;
    },
  };
}

type Values = Record<string, string | boolean | undefined>;
const need = (values: Values, name: string): string => {
  const v = values[name];
  if (typeof v !== 'string' || v.length === 0) throw new CliError(`--${name} is required`);
  return v;
};
/** A decimal amount in a currency ("12.00" GBP) as the API's `{ amount, currency }`. */
export function moneyArg(text: string, currency: string): { amount: number; currency: string } {
  if (!isCurrency(currency)) throw new CliError(`${currency} is not an ISO 4217 currency code (e.g. GBP)`);
  try {
    return { amount: parseDecimal(text, currency), currency };
  } catch {
    throw new CliError(`${text} is not an amount in ${currency} (write it like 1250.00)`);
  }
}
export function dateArg(text: string, flag: string): string {
  if (!isIsoDate(text)) throw new CliError(`--${flag} ${text} is not a calendar date (YYYY-MM-DD)`);
  return text;
}
/** A date typed as a positional argument (`promise <invoice> 2026-12-31`). */
export function dayArg(text: string): string {
  if (!isIsoDate(text)) throw new CliError(`${text} is not a calendar date (YYYY-MM-DD)`);
  return text;
}
const show = (m: { amount: number; currency: string }) => formatMoney(m);
/** Aligned `key  value` lines. */
const table = (rows: readonly (readonly [string, string])[]) => {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
};

/** An audit state as a person reads it: `balance £431.49, status open`; money objects formatted in their currency. */
const readable = (state: Record<string, unknown> | undefined): string => {
  if (!state || Object.keys(state).length === 0) return '(none)';
  const value = (v: unknown): string => {
    if (v && typeof v === 'object' && 'amount' in v && 'currency' in v) return show(v as { amount: number; currency: string });
    if (v && typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
  return Object.entries(state).map(([k, v]) => `${k} ${value(v)}`).join(', ');
};

const customerRows = (c: any): [string, string][] => [
  ['customer', c.customerId],
  ['name', c.name],
  ['email', c.email],
  ['language', c.language],
  ['credit limit', show(c.creditLimit)],
  ['terms', c.terms?.discount ? `${c.terms.discount.ratePpm / 10_000}/${c.terms.discount.days} net ${c.terms.netDays}` : `net ${c.terms?.netDays}`],
  ...(c.taxId ? ([['tax id', c.taxId]] as [string, string][]) : []),
  ...(c.vatNumber ? ([['vat number', c.vatNumber]] as [string, string][]) : []),
  ...(c.companyNumber ? ([['company no', c.companyNumber]] as [string, string][]) : []),
  ...(c.peppolId ? ([['peppol id', `${c.peppolId.scheme}:${c.peppolId.id}`]] as [string, string][]) : []),
  ['peppol ubl', c.eInvoice ? 'attached to invoice and credit-note emails' : 'not sent'],
  ['kind', c.kind],
  ['dunning', c.dunningExempt ? 'exempt' : 'as the policy says'],
  ['collections', c.collectionsStatus === 'none' || !c.collectionsStatus ? 'in good standing' : `${c.collectionsStatus.replace('-', ' ')}${c.collectionsSince ? ` since ${c.collectionsSince} (${c.collectionsLevel})` : ''}`],
];

/** A table with a header row, columns padded to their widest cell (`right`: indexes aligned right, for money). */
export function columns(header: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const paymentText = (p: any) =>
  [
    table([
      ['payment', p.paymentId],
      ['received', `${p.receivedOn} (${p.source}, ${p.externalId})`],
      ['amount', show(p.amount)],
      ['unapplied', show(p.unapplied)],
      ['customer', p.customerId ?? 'nobody yet'],
      ...(p.remittance ? ([['remittance', p.remittance]] as [string, string][]) : []),
    ]),
    ...(p.allocations.length + p.moves.length > 0
      ? ['', columns(['day', 'what', 'invoice', 'amount'], [...p.allocations.map((a: any) => [a.on, 'applied', a.invoiceNumber, show(a.amount)]), ...p.moves.map((m: any) => [m.on, m.kind === 'refund' ? 'paid back' : 'applied', m.invoiceNumber ?? '', show(m.amount)])], [3])]
      : []),
  ].join('\n');

const statementText = (r: any) => {
  const head = `statement of ${r.customer.name} <${r.customer.email}> as of ${r.asOf}`;
  if (r.currencies.length === 0) return `${head}\nnothing open: the account is settled`;
  return [
    head,
    ...r.currencies.flatMap((c: any) => [
      '',
      c.openItems.length === 0 ? `no open items in ${c.currency}` : columns(['invoice', 'issued', 'due', 'days late', 'total', 'balance', 'status'], c.openItems.map((i: any) => [i.invoiceNumber, i.issueDate, i.dueDate, i.daysOverdue > 0 ? String(i.daysOverdue) : '', show(i.total), show(i.balance), i.status.replace('_', ' ') + (i.disputed.amount > 0 ? ` (${show(i.disputed)} disputed)` : '') + (i.promisedUntil ? ` (promised by ${i.promisedUntil})` : '')]), [3, 4, 5]),
      ...(c.creditNotes.length ? ['', columns(['credit note', 'invoice', 'issued', 'total', 'in your favour'], c.creditNotes.map((n: any) => [n.creditNoteNumber, n.invoiceNumber, n.issueDate, show(n.total), show(n.customerCredit)]), [3, 4])] : []),
      ...(c.unappliedCash.length ? ['', columns(['unapplied cash', 'received', 'amount', 'unapplied'], c.unappliedCash.map((p: any) => [p.paymentId, p.receivedOn, show(p.amount), show(p.unapplied)]), [2, 3])] : []),
      '',
      table([
        ['open balance', show(c.openBalance)],
        ['of which overdue', show(c.overdue)],
        ['unapplied cash', show(c.unapplied)],
        ['customer credit', show(c.customerCredit)],
        ['net balance', show(c.netBalance)],
      ]),
    ]),
  ].join('\n');
};

/** The refunds as aligned columns: amounts right-aligned in their currency, then what happened. */
const refundsTable = (refunds: any[], status: string | undefined): string => {
  if (refunds.length === 0) return status ? `no refunds ${status}` : 'no refunds';
  const rows = refunds.map((r) => [r.refundId, r.requestedAt.slice(0, 10), r.status, r.platform, r.orderReference, show(r.amount), r.platformRefundId ?? r.note ?? r.reason]);
  return columns(['refund', 'requested', 'status', 'platform', 'order', 'amount', 'detail'], rows, [5]);
};

const rate = (r: number | null) => (r === null ? 'n/a (no credits)' : `${(r * 100).toFixed(1)} %`);
const totals = (t: readonly { amount: number; currency: string }[]) => (t.length === 0 ? '' : t.map(show).join(' + '));

/** A bank-statement import: the file's counts, what apply-payment did so far, and the lines finance acts on. */
const bankImportText = (r: any): string => {
  const count = (n: number, t: readonly { amount: number; currency: string }[] = []) => [String(n), totals(t)] as const;
  const rows: (readonly [string, string, string])[] = [
    ['entries', String(r.entries), ''],
    ['credits', ...count(r.credits.count, r.credits.totals)],
    ['  queued', String(r.queued), ''],
    ['  waiting for apply-payment', String(r.pending), ''],
    ['  applied to invoices', String(r.applied.count), ''],
    ...Object.entries(r.applied.byRule as Record<string, number>).map(([rule, n]) => [`    by ${rule}`, String(n), ''] as const),
    ['  proposed, waiting for finance', String(r.proposed ?? 0), ''],
    ...(r.rejected ? [['  proposals rejected', String(r.rejected), ''] as const] : []),
    ['  left unapplied', ...count(r.unapplied.count, r.unapplied.amount)],
    ['debits', ...count(r.debits.count, r.debits.totals)],
    ['  returns and reversals', ...count(r.returns.count, r.returns.totals)],
    ['  bank fees', ...count(r.fees.count, r.fees.totals)],
    ['  other debits', ...count(r.otherDebits.count, r.otherDebits.totals)],
    ...(r.notApplied.count > 0 ? [['not applied (pending, other)', ...count(r.notApplied.count, r.notApplied.totals)] as const] : []),
  ];
  const lines = (title: string, group: any) =>
    group.lines.length === 0 ? [] : ['', title, columns(['booked', 'amount', 'counterparty', 'reason', 'reference'], group.lines.map((l: any) => [l.bookingDate, show(l.amount), l.counterparty ?? '', l.returnReason ?? l.note ?? l.transactionCode ?? '', l.reference ?? l.remittance ?? '']), [1])];
  return [
    table([
      ['import', r.importId],
      ['status', r.status],
      ['file', `${r.format}${r.version ? ` ${r.version}` : ''}, ${r.source.kind === 's3' ? `s3://${r.source.bucket}/${r.source.key}` : `posted by ${r.source.actor}`}, ${r.receivedAt}`],
      ...r.statements.map((s: any) => ['statement', `${s.statementId}${s.sequence ? ` no. ${s.sequence}` : ''} of ${s.account || '?'} (${s.entries} entries)`] as [string, string]),
      ['auto-match rate', rate(r.autoMatchRate)],
    ]),
    '',
    columns(['', 'count', 'amount'], rows, [1, 2]),
    ...((r.proposals ?? []).length === 0
      ? []
      : ['', 'proposed matches waiting for finance (o2c bank apply|reject <importId> <paymentId>)', columns(['payment', 'amount', 'invoices', 'confidence', 'evidence'], r.proposals.map((p: any) => [p.paymentId, show(p.amount), p.invoices.map((i: any) => `${i.invoiceNumber} ${show(i.amount)}`).join(', '), rate(p.confidence), (p.evidence ?? []).join('; ')]), [1])]),
    ...((r.returns.outcomes ?? []).length === 0
      ? lines('returns and reversals to act on', r.returns)
      : ['', 'returns and reversals', columns(['booked', 'amount', 'entry', 'outcome', 'payment / reason'], r.returns.outcomes.map((o: any) => [o.bookingDate, show(o.amount), o.entryKey, o.outcome, o.outcome === 'reversed' ? `${o.paymentId}: ${(o.invoices ?? []).join(', ') || 'unapplied cash'} open again` : o.outcome === 'reversed-before' ? `${o.paymentId} (an earlier file)` : [o.returnReason, o.reason].filter(Boolean).join(' · ')]), [1])]),
    ...lines('bank fees', r.fees),
    ...lines('other debits', r.otherDebits),
  ].join('\n');
};

/** `--vat-number`, `--company-number`, `--peppol-id 0088:7300010000001`, `--e-invoice`/`--no-e-invoice`. */
function eInvoiceArgs(values: Values): Record<string, unknown> {
  const peppol = values['peppol-id'] as string | undefined;
  if (peppol !== undefined && !/^\d{4}:.+$/.test(peppol)) throw new CliError('--peppol-id is <scheme>:<id>, e.g. 0088:7300010000001');
  return {
    ...(values['vat-number'] ? { vatNumber: values['vat-number'] } : {}),
    ...(values['company-number'] ? { companyNumber: values['company-number'] } : {}),
    ...(peppol ? { peppolId: { scheme: peppol.slice(0, 4), id: peppol.slice(5) } } : {}),
    ...(values['e-invoice'] !== undefined ? { eInvoice: values['e-invoice'] === true } : {}),
  };
}

/** A payment plan: its standing, what it covers and each instalment with its state (money in its currency, aligned). */
function planText(p: any): string {
  const state = p.status === 'active' ? `active (${p.standing === 'kept' ? 'kept so far' : p.standing})` : `${p.status}${p.endedOn ? ` on ${p.endedOn}` : ''}`;
  return [
    table([
      ['plan', p.planId],
      ['customer', p.customerId],
      ['status', state],
      ...(p.endReason ? ([['why', p.endReason]] as [string, string][]) : []),
      ['covers', `${show(p.covered)}: ${p.invoices.map((i: any) => i.invoiceNumber).join(', ')}`],
      ['paid so far', show(p.paid)],
      ['agreed', `${p.agreedOn} by ${p.agreedBy}, ${p.graceDays} grace day${p.graceDays === 1 ? '' : 's'}`],
    ]),
    '',
    columns(['#', 'due', 'last day', 'amount', 'state'], p.instalments.map((s: any, i: number) => [String(i + 1), s.dueDate, s.lastDay, show(s.amount), s.state]), [0, 3]),
  ].join('\n');
}

/** Runs a finance command; returns the text to print (or the JSON answer with --json), or undefined when `cmd` is not one. */
export async function financeCommand(api: FinanceApi, cmd: string, args: readonly string[], values: Values): Promise<string | undefined> {
  const json = values.json === true;
  const out = (answer: unknown, text: () => string) => (json ? JSON.stringify(answer, null, 2) : text());
  const currency = (values.currency as string | undefined) ?? 'GBP';
  const customerPath = async (who: string) => {
    if (!who.includes('@')) return `/finance/customers/${encodeURIComponent(who)}`;
    const found = await api.call('GET', `/finance/customers?email=${encodeURIComponent(who)}`);
    return `/finance/customers/${encodeURIComponent(found.customerId)}`;
  };
  const [sub, target] = args;
  if (cmd === 'customers' && sub === 'add') {
    const body = {
      email: need(values, 'email'),
      name: need(values, 'name'),
      ...(values.limit ? { creditLimit: moneyArg(values.limit as string, currency) } : {}),
      ...(values.language ? { language: values.language } : {}),
      ...(values['tax-id'] ? { taxId: values['tax-id'] } : {}),
      ...eInvoiceArgs(values),
      ...(values.kind ? { kind: values.kind } : {}),
      ...(values.shop ? { shop: values.shop } : {}),
    };
    const r = await api.call('POST', '/finance/customers', body);
    return out(r, () => `created ${r.customerId}`);
  }
  if (cmd === 'customers' && sub === 'show' && target) {
    const c = await api.call('GET', await customerPath(target));
    return out(c, () => table(customerRows(c)));
  }
  if (cmd === 'customers' && sub === 'set' && target) {
    const path = await customerPath(target);
    const current = await api.call('GET', path);
    const changes = {
      ...(values.limit ? { creditLimit: moneyArg(values.limit as string, (values.currency as string | undefined) ?? current.currency) } : {}),
      ...(values.language ? { language: values.language } : {}),
      ...(values['tax-id'] ? { taxId: values['tax-id'] } : {}),
      ...eInvoiceArgs(values),
      ...(values.exempt !== undefined ? { dunningExempt: values.exempt === true } : {}),
      ...(values.kind ? { kind: values.kind } : {}),
      ...(values.collections ? { collectionsStatus: values.collections } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
    };
    if (Object.keys(changes).filter((k) => k !== 'reason').length === 0) throw new CliError('nothing to change: give --limit, --language, --tax-id, --vat-number, --company-number, --peppol-id, --e-invoice/--no-e-invoice, --kind, --collections or --exempt/--no-exempt');
    const c = await api.call('PATCH', path, changes);
    return out(c, () => table(customerRows(c)));
  }
  if ((cmd === 'invoices' || cmd === 'credit-notes') && sub === 'ubl' && target) {
    const path = `/finance/${cmd}/${encodeURIComponent(target)}/ubl`;
    const xml: Buffer = await api.call('GET', path, undefined, { accept: 'application/xml' });
    if (!Buffer.isBuffer(xml)) throw new CliError(`the API did not answer with XML for ${target}`);
    return xml.toString('utf8').trimEnd();
  }
  if (cmd === 'credit-note' && sub) {
    const r = await api.call('POST', `/finance/invoices/${encodeURIComponent(sub)}/credit-notes`, { amount: moneyArg(need(values, 'amount'), currency), reason: need(values, 'reason') });
    return out(r, () => table([['credit note', r.creditNoteNumber], ['invoice', r.invoiceNumber], ['total', show(r.total)], ['of which tax', show(r.tax)], ['off the invoice', show(r.appliedToInvoice)], ['customer credit', show(r.customerCredit)]]));
  }
  if (cmd === 'write-off' && sub) {
    const r = await api.call('POST', `/finance/invoices/${encodeURIComponent(sub)}/write-off`, { reason: need(values, 'reason') });
    return out(r, () => `${r.invoiceNumber} written off: ${show(r.writtenOff)} to bad debt`);
  }
  if (cmd === 'payments' && sub === 'record') {
    const amount = moneyArg(need(values, 'amount'), currency);
    const body = {
      externalId: need(values, 'reference'),
      amount: amount.amount,
      currency: amount.currency,
      receivedOn: dateArg(need(values, 'date'), 'date'),
      ...(values.remittance ? { remittance: values.remittance } : {}),
      ...(values.customer ? { customerId: values.customer } : {}),
    };
    const r = await api.call('POST', '/finance/payments', body);
    return out(r, () => `recorded ${show(amount)} as ${r.paymentId}; it is matched to open invoices like every payment`);
  }
  if (cmd === 'payments' && sub === 'show' && target) {
    const p = await api.call('GET', `/finance/payments/${encodeURIComponent(target)}`);
    return out(p, () => paymentText(p));
  }
  if (cmd === 'payments' && sub === 'unassigned') {
    const r = await api.call('GET', '/finance/unapplied-cash');
    return out(r, () => (r.payments.length === 0 ? 'no unassigned cash' : columns(['payment', 'received', 'reference', 'amount', 'unapplied'], r.payments.map((p: any) => [p.paymentId, p.receivedOn, p.remittance ?? p.payerReference ?? p.externalId, show(p.amount), show(p.unapplied)]), [3, 4])));
  }
  if (cmd === 'payments' && sub === 'apply' && target) {
    const payment = await api.call('GET', `/finance/payments/${encodeURIComponent(target)}`);
    const body = { invoiceNumber: need(values, 'invoice'), amount: moneyArg(need(values, 'amount'), (values.currency as string | undefined) ?? payment.amount.currency) };
    const p = await api.call('POST', `/finance/payments/${encodeURIComponent(target)}/allocations`, body, { idempotencyKey: randomUUID() });
    return out(p, () => `applied ${show(body.amount)} of ${p.paymentId} to ${body.invoiceNumber}; ${show(p.unapplied)} left unapplied`);
  }
  if (cmd === 'payments' && sub === 'refund' && target) {
    const payment = await api.call('GET', `/finance/payments/${encodeURIComponent(target)}`);
    const body = { reason: need(values, 'reason'), ...(values.amount ? { amount: moneyArg(values.amount as string, (values.currency as string | undefined) ?? payment.amount.currency) } : {}) };
    const p = await api.call('POST', `/finance/payments/${encodeURIComponent(target)}/refund`, body, { idempotencyKey: randomUUID() });
    const refunded = payment.unapplied.amount - p.unapplied.amount;
    return out(p, () => `paid back ${show({ amount: refunded, currency: p.unapplied.currency })} of ${p.paymentId}; ${show(p.unapplied)} left unapplied. Send the money to the payer from the bank: o2c records it.`);
  }
  if (cmd === 'statement' && sub) {
    const asOf = values['as-of'] === undefined ? undefined : dateArg(values['as-of'] as string, 'as-of');
    const path = `${await customerPath(sub)}/statement${asOf ? `?asOf=${asOf}` : ''}`;
    if (typeof values.pdf === 'string') {
      const pdf = (await api.call('GET', path, undefined, { accept: 'application/pdf' })) as Buffer;
      writeFileSync(values.pdf, pdf);
      return `statement written to ${values.pdf} (${pdf.length} bytes)`;
    }
    const r = await api.call('GET', path);
    return out(r, () => statementText(r));
  }
  if (cmd === 'report' && sub === 'show') {
    const asOf = values['as-of'] === undefined ? undefined : dateArg(values['as-of'] as string, 'as-of');
    const kind = (values.kind as string | undefined) ?? 'month-end';
    if (!PACK_KINDS.includes(kind as PackKind)) throw new CliError(`--kind ${kind} is not a pack (flash, weekly or month-end)`);
    const r = await api.call('GET', `/finance/reports/pack?kind=${kind}${asOf ? `&asOf=${asOf}` : ''}`);
    return out(r, () => packText(r));
  }
  if (cmd === 'ledger' && sub === 'trial-balance') {
    const asOf = values['as-of'] === undefined ? undefined : dateArg(values['as-of'] as string, 'as-of');
    const r = await api.call('GET', `/finance/ledger/trial-balance${asOf ? `?asOf=${asOf}` : ''}`);
    return out(r, () => {
      if (r.currencies.length === 0) return `nothing posted by ${r.asOf}`;
      const w = [20, 16, 16, 16];
      const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[0]!) : c.padStart(w[i]!))).join('');
      return [
        `trial balance as of ${r.asOf}`,
        ...r.currencies.flatMap((c: any) => [
          '',
          row([c.currency, 'debit', 'credit', 'balance']),
          ...c.accounts.map((a: any) => row([a.account.replace(/_/g, ' '), show(a.debit), show(a.credit), show(a.balance)])),
          row(['total', show(c.debits), show(c.credits), c.balanced ? 'balanced' : 'NOT BALANCED']),
        ]),
      ].join('\n');
    });
  }
  if (cmd === 'refunds' && sub === 'paid' && target) {
    const r = await api.call('POST', `/finance/refunds/${encodeURIComponent(target)}/paid`, { reference: need(values, 'reference'), ...(values.reason ? { reason: values.reason } : {}) });
    return out(r, () => `${r.refundId} (${r.orderReference}, ${show(r.amount)}) marked refunded by hand: ${values.reference}`);
  }
  if (cmd === 'bank' && sub === 'import' && target) {
    let text: string;
    try {
      text = readFileSync(target, 'utf8');
    } catch {
      throw new CliError(`cannot read ${target}`);
    }
    const contentType = text.trimStart().startsWith('<') ? 'application/xml' : 'text/plain';
    const posted = await api.call('POST', '/finance/bank-statements', undefined, { raw: { text, contentType } });
    const r = await api.call('GET', `/finance/bank-statements/${encodeURIComponent(posted.importId)}`);
    return out({ ...posted, import: r }, () => `${posted.alreadyImported ? `${target} was imported before (nothing applied again)` : `${target} imported`}: ${posted.importId}\n\n${bankImportText(r)}`);
  }
  if (cmd === 'bank' && sub === 'apply' && target && args[2]) {
    const r = await api.call('POST', `/finance/bank-statements/${encodeURIComponent(target)}/items/${encodeURIComponent(args[2])}/apply`);
    const applied = r.applied.map((a: any) => `${a.invoiceNumber} ${show(a.amount)}`).join(', ');
    const notes = [...r.discountsNotGranted.map((d: any) => `discount of ${show(d.amount)} on ${d.invoiceNumber} not granted: issue a credit note to grant it`), ...(r.deduction ? [`deduction of ${show(r.deduction.amount)} on ${r.deduction.invoiceNumber} opened as dispute ${r.deduction.disputeId}`] : [])];
    return out(r, () => [`${r.paymentId}: applied ${applied || 'nothing'}; ${show(r.unapplied)} left unapplied.`, ...notes].join('\n'));
  }
  if (cmd === 'bank' && sub === 'reject' && target && args[2]) {
    const r = await api.call('POST', `/finance/bank-statements/${encodeURIComponent(target)}/items/${encodeURIComponent(args[2])}/reject`, { reason: need(values, 'reason') });
    return out(r, () => `${r.paymentId}: proposal rejected (${r.rejected.reason}); ${show(r.unapplied)} stays unapplied ${r.customerId ? `on ${r.customerId}` : 'on the unassigned list (o2c payments unassigned)'}.`);
  }
  if (cmd === 'bank' && sub === 'show' && target) {
    const r = await api.call('GET', `/finance/bank-statements/${encodeURIComponent(target)}`);
    return out(r, () => bankImportText(r));
  }
  if (cmd === 'refunds') {
    const status = values.status as string | undefined;
    const r = await api.call('GET', `/finance/refunds${status ? `?status=${encodeURIComponent(status)}` : ''}`);
    return out(r, () => refundsTable(r.refunds, status));
  }
  if (cmd === 'audit' && sub) {
    const r = await api.call('GET', `/finance/audit?entity=${encodeURIComponent(sub)}`);
    return out(r, () =>
      r.entries.length === 0
        ? `no audit entries for ${sub}`
        : r.entries.map((e: any) => `${e.at}  ${e.action.padEnd(20)} ${e.actor}${e.reason ? `  "${e.reason}"` : ''}\n    ${readable(e.before)} → ${readable(e.after)}`).join('\n'),
    );
  }
  if (cmd === 'dispute' && sub === 'open' && target) {
    const amountText = args[2];
    if (!amountText) throw new CliError('give the disputed amount: dispute open <invoice> <amount> --reason text');
    const path = `/finance/invoices/${encodeURIComponent(target)}`;
    // The amount is read in the invoice's own currency (exactly: "12.50" GBP is 1250).
    const invoice = await api.call('GET', path);
    const r = await api.call('POST', `${path}/disputes`, { amount: moneyArg(amountText, invoice.currency), reason: need(values, 'reason') });
    const after = await api.call('GET', path);
    return out(r, () => table([['dispute', r.disputeId], ['invoice', r.invoiceNumber], ['disputed', show(r.amount)], ['status', r.status], ['balance', show(after.balance)], ['under dispute', show(after.disputed)], ['still chased', show(after.undisputed)]]));
  }
  if (cmd === 'dispute' && sub === 'resolve' && target) {
    const outcome = args[2];
    if (outcome !== 'credit' && outcome !== 'reinstate') throw new CliError('say how: dispute resolve <disputeId> credit|reinstate [amount] [--reason text]');
    const amount = args[3] ?? (values.amount as string | undefined);
    const body = { outcome, ...(amount ? { amount: moneyArg(amount, currency) } : {}), ...(values.reason ? { reason: values.reason } : {}) };
    const r = await api.call('POST', `/finance/disputes/${encodeURIComponent(target)}/resolution`, body);
    return out(r, () =>
      table([
        ['dispute', r.disputeId],
        ['invoice', r.invoiceNumber],
        ['status', r.status],
        [r.status === 'credited' ? 'credited' : 'owed again', show(r.resolution.amount)],
        ...(r.resolution.creditNoteNumber ? ([['credit note', r.resolution.creditNoteNumber]] as [string, string][]) : []),
      ]),
    );
  }
  if (cmd === 'credit' && sub === 'show' && target) {
    const r = await api.call('GET', `/finance/orders/${encodeURIComponent(target)}/credit`);
    return out(r, () => creditText(r));
  }
  if (cmd === 'credit' && sub === 'decide' && target && (args[2] === 'approve' || args[2] === 'reject')) {
    const upTo = values['up-to'] as string | undefined;
    const until = values.until as string | undefined;
    if ((upTo === undefined) !== (until === undefined)) throw new CliError('--up-to and --until go together (an approval beyond this order needs an amount and a last day)');
    const body = {
      decision: args[2],
      ...(values.note ? { note: values.note } : {}),
      ...(upTo && until ? { upTo: moneyArg(upTo, currency), until: dateArg(until, 'until') } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
    };
    const r = await api.call('POST', `/finance/orders/${encodeURIComponent(target)}/credit-decision`, body);
    return out(r, () => `${r.orderId}: ${r.decision}${r.approval ? `; later orders approved up to ${show({ amount: r.approval.upTo, currency: r.approval.currency })} of exposure until ${r.approval.until}` : ''}`);
  }
  if (cmd === 'plans' && sub === 'add' && target) {
    const instalments = args.slice(2).map((a) => {
      const [day, amount] = a.split('=');
      if (!day || !amount) throw new CliError(`${a}: write each instalment as YYYY-MM-DD=amount (e.g. 2027-01-15=250.00)`);
      return { dueDate: dayArg(day), amount: moneyArg(amount, currency) };
    });
    if (instalments.length === 0) throw new CliError('give the instalments: plans add <customer> 2027-01-15=250.00 2027-02-15=250.00 …');
    const grace = values.grace === undefined ? undefined : Number(values.grace);
    if (grace !== undefined && !Number.isInteger(grace)) throw new CliError(`--grace ${String(values.grace)} is not a whole number of days`);
    const body = {
      instalments,
      ...(values.invoice ? { invoiceNumbers: (values.invoice as string).split(',').map((n) => n.trim()).filter(Boolean) } : {}),
      ...(grace !== undefined ? { graceDays: grace } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
    };
    const r = await api.call('POST', `${await customerPath(target)}/payment-plans`, body, { idempotencyKey: randomUUID() });
    return out(r, () => `${planText(r)}

the customer is sent the plan; no reminders for these invoices while it is kept`);
  }
  if (cmd === 'plans' && sub === 'list' && target) {
    const r = await api.call('GET', `${await customerPath(target)}/payment-plans`);
    return out(r, () => (r.plans.length === 0 ? `no payment plans for ${r.customerId}` : r.plans.map(planText).join('\n\n')));
  }
  if (cmd === 'plans' && sub === 'cancel' && target && args[2]) {
    const r = await api.call('POST', `${await customerPath(target)}/payment-plans/${encodeURIComponent(args[2])}/cancel`, { reason: need(values, 'reason') });
    return out(r, () => `${planText(r)}

dunning resumes tomorrow where it stood`);
  }
  if (cmd === 'promise' && sub && target) {
    const r = await api.call('POST', `/finance/invoices/${encodeURIComponent(sub)}/promise-to-pay`, { date: dayArg(target), ...(values.reason ? { reason: values.reason } : {}) });
    return out(r, () => `${r.invoiceNumber} promised by ${r.promisedUntil}: no reminder until the day after; ${show(r.undisputed)} to pay${r.undisputed.amount === r.balance.amount ? '' : ` (balance ${show(r.balance)})`}`);
  }
  return undefined;
}

/** `o2c credit show`: the customer, the limit, each part of the exposure, the history, the score and any approval. */
function creditText(r: any): string {
  const ccy = r.exposure.currency as string;
  const m = (amount: number, currency = ccy) => show({ amount, currency });
  const amounts: [string, string][] = [
    ['open invoices', m(r.exposure.openReceivables)],
    ['  of which disputed', m(r.exposure.disputed)],
    ['approved orders not invoiced', m(r.exposure.inFlightOrders)],
    ['this order', m(r.exposure.thisOrder)],
    ['unapplied cash (less)', m(r.exposure.unappliedCash)],
    ['exposure', m(r.exposure.total)],
    ['left within the limit', m(r.headroom)],
  ];
  const w = Math.max(...amounts.map(([, v]) => v.length));
  const h = r.history;
  return [
    table([
      ['order', `${r.orderId} (${r.status.replace('_', ' ')}, ${r.paymentMode})`],
      ['total', show(r.total)],
      ...(r.reason ? ([['why', r.reason]] as [string, string][]) : []),
      ...(r.customer
        ? ([
            ['customer', `${r.customer.name} (${r.customer.id}, ${r.customer.email})`],
            ['credit limit', show(r.customer.creditLimit)],
            ['credit score', `${r.customer.riskScore} of 100${r.customer.riskScoredOn ? ` (as of ${r.customer.riskScoredOn})` : ''}`],
            ['collections', r.customer.collectionsStatus ?? 'in good standing'],
          ] as [string, string][])
        : ([['customer', 'no customer record (no credit limit)']] as [string, string][])),
    ]),
    '',
    table(amounts.map(([k, v]) => [k, v.padStart(w)])),
    ...(r.exposure.foreign.length
      ? [
          '',
          columns(
            ['currency', 'invoices', 'orders', 'unapplied', 'rate', `in ${ccy}`],
            r.exposure.foreign.map((f: any) => [f.currency, m(f.receivables, f.currency), m(f.orders, f.currency), m(f.unapplied, f.currency), f.rate ?? 'no rate', f.converted === null ? 'not counted' : m(f.converted)]),
            [1, 2, 3, 5],
          ),
          ...(r.exposure.ratesOn ? [`(reference rates of ${r.exposure.ratesOn})`] : []),
        ]
      : []),
    '',
    h.paid > 0
      ? `history: ${h.paid} of ${h.invoices} invoices paid, ${h.paidOnTime} on time, on average ${h.averageDaysToPay} days after issue and ${h.averageDaysLate} days late; last paid ${h.lastPaidOn}; ${h.open} open, ${h.overdue} overdue`
      : `history: no invoice paid yet (${h.invoices} issued, ${h.open} open, ${h.overdue} overdue)`,
    ...(r.customer?.riskFactors?.length ? ['score factors:', ...r.customer.riskFactors.map((f: any) => `  ${riskFactorWords(f)}`)] : []),
    ...(r.approval ? [`approval: up to ${show({ amount: r.approval.upTo, currency: r.approval.currency })} until ${r.approval.until} by ${r.approval.by}${r.approval.covers ? '' : ' (does not cover this order now)'}`] : []),
  ].join('\n');
}

export const FINANCE_USAGE = [
  '  customers add --email E --name N [--limit 500.00] [--currency GBP] [--language sv] [--tax-id X] [--vat-number V] [--company-number N] [--peppol-id S:ID] [--e-invoice] [--shop S]',
  '  customers show <customerId|email>',
  '  customers set <customerId|email> [--limit 750.00] [--language ja] [--tax-id X] [--vat-number DE123456789] [--company-number N] [--peppol-id 0088:7300010000001] [--e-invoice|--no-e-invoice] [--kind business|consumer] [--exempt|--no-exempt] [--collections none] [--reason text]',
  '  credit-note <invoice> --amount 12.00 [--currency GBP] --reason text',
  '  write-off <invoice> --reason text',
  '  invoices ubl <invoice> > file.xml · credit-notes ubl <credit note> > file.xml   (Peppol BIS 3 e-invoice, PDF embedded)',
  '  payments record --amount 38.98 [--currency GBP] --date YYYY-MM-DD --reference REF [--remittance text] [--customer id]',
  '  payments show <paymentId> · payments unassigned',
  '  payments apply <paymentId> --invoice INV-… --amount 12.00     (unapplied cash to an invoice)',
  '  payments refund <paymentId> [--amount 12.00] --reason text  (unapplied cash paid back; all of it without --amount)',
  '  statement <customerId|email> [--as-of YYYY-MM-DD] [--pdf file.pdf]',
  '  dispute open <invoice> <amount, e.g. 12.50> --reason text       (in the invoice currency; not chased while open)',
  '  dispute resolve <disputeId> credit|reinstate [amount] [--currency GBP] [--reason text]',
  '  promise <invoice> <YYYY-MM-DD> [--reason text]',
  '  credit show <orderId>    (customer, limit, each part of the exposure, payment history, score, standing approval)',
  '  credit decide <orderId> approve [--up-to 5000.00 --until YYYY-MM-DD] [--currency GBP] [--note text]',
  '  credit decide <orderId> reject [--reason credit-limit|overdue-balance|credit-history|prepayment-required] [--note text]',
  '  plans add <customerId|email> <YYYY-MM-DD=amount>… [--currency GBP] [--invoice INV-1,INV-2] [--grace 3] [--reason text]  (instalments that add up to the overdue invoices; no reminders while kept)',
  '  plans list <customerId|email> · plans cancel <customerId|email> <planId> --reason text',
  '  ledger trial-balance [--as-of YYYY-MM-DD]',
  '  report show [--as-of YYYY-MM-DD] [--kind flash|weekly|month-end]   (the finance pack\'s figures; month-end by default)',
  '  audit <customer:ID | invoice:NUMBER | payment:ID>',
  '  refunds [--status requested|refunded|failed|owed] · refunds paid <refundId> --reference REF [--reason text]  (an owed refund paid back by hand)',
  '  bank import <file>       (camt.053/054, MT940 or CSV with bankCsvMapping, up to 1 MB; larger files go through the S3 drop)',
  '  bank show <importId>     (entries, credits queued and applied, unapplied, proposals, returns, fees, auto-match rate)',
  '  bank apply <importId> <paymentId>   (confirm the proposed match of a credit: cash to the invoices, its deduction opened)',
  '  bank reject <importId> <paymentId> --reason "…"   (turn a proposed match down: nothing applied, the cash stays unapplied)',
  '  (add --json to any finance command; --stack O2c-prod or O2C_API_URL uses a deployed stack, signed with your AWS credentials)',
].join('\n');
