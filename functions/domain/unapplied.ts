/**
 * Unapplied cash: what a payment brought beyond the invoices it settled. It
 * belongs to the payment's customer until finance applies it to an invoice
 * (Dr unapplied cash / Cr receivable) or pays it back (Dr unapplied cash /
 * Cr cash). Each move is decided here, refused (409) when the state forbids
 * it, and yields the payment's and the invoice's events and a balanced entry.
 */
import { DomainError } from './errors.ts';
import { applyPaymentToInvoice } from './invoice.ts';
import { assertBalanced } from './ledger.ts';
import type { Invoice, InvoiceEvent, IsoDate, JournalEntry, PaymentEvent } from './model.ts';
import { assertMinorUnits, formatMoney } from './money.ts';

/** A payment as the unapplied-cash moves read it. */
export interface HeldPayment {
  readonly id: string;
  readonly externalId: string;
  readonly currency: string;
  readonly amount: number;
  readonly unapplied: number;
  readonly receivedOn: IsoDate;
  readonly customerId?: string;
  readonly applications?: readonly PaymentEvent[];
}

const conflict = (code: string, message: string) => new DomainError(code, message, 'conflict');

function checkAmount(payment: HeldPayment, amount: number, what: string): void {
  assertMinorUnits(amount, what);
  if (payment.unapplied === 0) throw conflict('ExceedsUnappliedCash', `payment ${payment.externalId} has no unapplied cash left`);
  if (amount <= 0) throw new DomainError('InvalidAmount', `the amount ${what === 'refund' ? 'to pay back' : 'to apply'} must be more than nothing`);
  if (amount > payment.unapplied) {
    const money = (a: number) => formatMoney({ amount: a, currency: payment.currency });
    throw conflict('ExceedsUnappliedCash', `payment ${payment.externalId} has ${money(payment.unapplied)} unapplied, less than the ${money(amount)} asked for`);
  }
}

/** The n-th move of a payment's unapplied cash (its journal entry's id: a move decided twice on one reading is one entry). */
export const moveNumber = (payment: HeldPayment) => (payment.applications?.length ?? 0) + 1;

export interface UnappliedAllocation {
  readonly payment: { readonly unapplied: number; readonly customerId: string; readonly event: PaymentEvent };
  readonly invoice: Invoice;
  readonly invoiceEvent: InvoiceEvent;
  readonly entry: JournalEntry;
}

/**
 * Applies `amount` of a payment's unapplied cash to an invoice of the same
 * currency and customer, at most its balance. The payment's cash becomes the
 * invoice's customer's when it had none.
 */
export function allocateUnapplied(payment: HeldPayment, invoice: Invoice, amount: number, on: IsoDate): UnappliedAllocation {
  if (payment.currency !== invoice.currency) throw conflict('CurrencyMismatch', `payment ${payment.externalId} is in ${payment.currency}; invoice ${invoice.number} is in ${invoice.currency}`);
  if (payment.customerId && payment.customerId !== invoice.customerId) throw conflict('OtherCustomersCash', `payment ${payment.externalId} belongs to another customer than invoice ${invoice.number}`);
  checkAmount(payment, amount, 'allocation');
  if (invoice.status === 'void' || invoice.status === 'written_off') throw conflict('InvoiceClosed', `invoice ${invoice.number} is ${invoice.status.replace('_', ' ')}: nothing can be applied to it`);
  if (amount > invoice.balance) {
    const money = (a: number) => formatMoney({ amount: a, currency: invoice.currency });
    throw conflict('ExceedsInvoiceBalance', invoice.balance === 0 ? `invoice ${invoice.number} is paid: nothing is left to apply cash to` : `invoice ${invoice.number} has ${money(invoice.balance)} left to pay, less than the ${money(amount)} asked for`);
  }
  const n = moveNumber(payment);
  const entry = assertBalanced({
    id: `alloc-${payment.id}-${n}`,
    date: on,
    currency: payment.currency,
    memo: `Unapplied cash of payment ${payment.externalId} applied to invoice ${invoice.number}`,
    reference: `payment:${payment.id}`,
    lines: [
      { account: 'unapplied_cash', side: 'debit', amount },
      { account: 'accounts_receivable', side: 'credit', amount },
    ],
  });
  return {
    payment: { unapplied: payment.unapplied - amount, customerId: invoice.customerId, event: { on, kind: 'allocation', amount, invoiceNumber: invoice.number } },
    invoice: applyPaymentToInvoice(invoice, amount).invoice,
    invoiceEvent: { on, kind: 'payment', amount, ref: payment.id },
    entry,
  };
}

export interface UnappliedRefund {
  readonly payment: { readonly unapplied: number; readonly event: PaymentEvent };
  readonly entry: JournalEntry;
}

/** Pays back `amount` (default: all) of a payment's unapplied cash to the payer. */
export function refundUnapplied(payment: HeldPayment, amount: number, on: IsoDate, reason: string): UnappliedRefund {
  checkAmount(payment, amount, 'refund');
  const entry = assertBalanced({
    id: `refund-${payment.id}-${moveNumber(payment)}`,
    date: on,
    currency: payment.currency,
    memo: `Unapplied cash of payment ${payment.externalId} paid back: ${reason}`,
    reference: `payment:${payment.id}`,
    lines: [
      { account: 'unapplied_cash', side: 'debit', amount },
      { account: 'cash', side: 'credit', amount },
    ],
  });
  return { payment: { unapplied: payment.unapplied - amount, event: { on, kind: 'refund', amount, reason } }, entry };
}

/** The payment's unapplied cash at the end of `asOf` (undefined when it had not arrived yet). */
export function unappliedAsOf(payment: HeldPayment, asOf: IsoDate): number | undefined {
  if (payment.receivedOn > asOf) return undefined;
  return payment.unapplied + (payment.applications ?? []).filter((e) => e.on > asOf).reduce((a, e) => a + e.amount, 0);
}
