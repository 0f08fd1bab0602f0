/**
 * The returns and reversals of a bank file take back the credits o2c applied
 * and reopen their invoices (called by the import, before it is marked queued).
 *
 * For each return or reversal debit:
 * 1. Carried out before (its return item exists: the same entry in an earlier
 *    or overlapping file — or, for an import of it running at the same time,
 *    a payment read since is marked returned by this entry)? Reported, nothing
 *    written.
 * 2. Candidates: the payments whose end-to-end id or bank entry key the return
 *    quotes (pointer items written with each payment), the payments of the
 *    customer the payer's IBAN last paid for, and the payments nobody owns yet
 *    (the second index): no Scan.
 * 3. Match (domain): the end-to-end id or entry reference the return quotes,
 *    else the one payment of that amount from that IBAN in the last 60 days.
 *    None (or several): listed for finance as unmatched.
 * 4. Decide (domain) on the payment and its invoices read now: each invoice
 *    gets back what the payment settled (balance up, open or partially paid
 *    again, a `reversal` event), the unapplied part leaves unapplied cash, the
 *    entry Dr receivable (+ Dr unapplied cash) / Cr cash. A payment partly
 *    paid back, a partial return, an invoice written off since: refused, listed.
 * 5. One transaction with the return item (conditional put: once per return
 *    entry), guarded by what was read; a concurrent change reads again.
 */
import { cashSource, METRIC } from '#domain/figures';
import { matchReturn, reversePayment, settledBy, type ReturnablePayment, type ReturnOutcome } from '#domain/bank-returns';
import type { BankLine } from '#domain/bank-import';
import type { Invoice } from '#domain/model';
import type { Clock, Invoices, PayerDirectory, PaymentReturns, Payments, StoredPayment } from '../ports.ts';

export interface BankReturnsDeps {
  readonly payments: Pick<Payments, 'get' | 'ofCustomer' | 'unassigned'>;
  readonly invoices: Pick<Invoices, 'get'>;
  readonly payers: PayerDirectory;
  readonly paymentReturns: PaymentReturns;
  readonly clock: Clock;
}

/** The actor of the reversals an import carries out. */
export const BANK_RETURNS = 'o2c (bank returns)';
const MAX_REREADS = 3;

/**
 * `later`: the payments of this import booked after `line` in the file (not candidates: a return takes back only a
 * credit booked before it — the file's order).
 */
export async function reverseReturns(lines: readonly BankLine[], importId: string, deps: BankReturnsDeps, later: (line: BankLine) => ReadonlySet<string> = () => new Set()): Promise<ReturnOutcome[]> {
  let unassigned: StoredPayment[] | undefined;
  const out: ReturnOutcome[] = [];
  for (const line of lines) {
    const base = { entryKey: line.entryKey, account: line.account, amount: line.amount, currency: line.currency, bookingDate: line.bookingDate, ...(line.returnReason ? { returnReason: line.returnReason } : {}) };
    const before = await deps.paymentReturns.find(line.account, line.entryKey);
    if (before) {
      out.push({ ...base, outcome: 'reversed-before', paymentId: before.paymentId });
      continue;
    }
    const customerId = line.counterpartyIban ? await deps.payers.customerOfIban(line.counterpartyIban.replace(/\s+/g, '').toUpperCase()) : undefined;
    unassigned ??= await deps.payments.unassigned();
    const quotedIds = await deps.paymentReturns.paymentsQuoting(quotedBy(line));
    const quoted = (await Promise.all(quotedIds.map((id) => deps.payments.get(id)))).filter((p): p is StoredPayment => p !== undefined);
    const after = later(line);
    const candidates = [...quoted, ...(customerId ? await deps.payments.ofCustomer(customerId, line.bookingDate) : []), ...unassigned].filter((p) => !after.has(p.id));
    // Returned by this very entry since the look above: a concurrent import of it carried it out.
    const done = candidates.find((p) => returnedBy(p, line));
    if (done) {
      out.push({ ...base, outcome: 'reversed-before', paymentId: done.id });
      continue;
    }
    const match = matchReturn(line, [...new Map(candidates.map((p) => [p.id, p as ReturnablePayment])).values()]);
    if (match.kind === 'unmatched') {
      out.push({ ...base, outcome: 'unmatched', reason: match.reason });
      continue;
    }
    out.push({ ...base, ...(await reverseOne(line, match.payment.id, importId, deps)), matchedBy: match.by });
  }
  return out;
}

const returnedBy = (payment: StoredPayment, line: BankLine) => payment.returned?.entryKey === line.entryKey && payment.returned.account === line.account;

/** What a return quotes that may name the credit: its end-to-end id, and the words of its reference and remittance (at most 10). */
function quotedBy(line: BankLine): { endToEndIds: string[]; entryKeys: string[] } {
  const e2e = line.endToEndId && line.endToEndId !== 'NOTPROVIDED' ? [line.endToEndId] : [];
  const words = [...new Set(`${line.reference ?? ''} ${line.remittance ?? ''}`.split(/[\s,;]+/).filter((w) => w.length >= 6 && w.length <= 128))].slice(0, 10);
  return { endToEndIds: e2e, entryKeys: words };
}

async function reverseOne(line: BankLine, paymentId: string, importId: string, deps: BankReturnsDeps): Promise<Pick<ReturnOutcome, 'outcome' | 'paymentId' | 'invoices' | 'reason'>> {
  for (let reread = 0; reread < MAX_REREADS; reread++) {
    // A concurrent import of the same return entry may have carried it out meanwhile.
    const done = reread > 0 ? await deps.paymentReturns.find(line.account, line.entryKey) : undefined;
    if (done) return { outcome: 'reversed-before', paymentId: done.paymentId };
    const payment = await deps.payments.get(paymentId);
    if (!payment) return { outcome: 'unmatched', reason: `payment ${paymentId} cannot be read` };
    // Returned by this very entry: a concurrent import of it won the race after this one matched the payment.
    if (returnedBy(payment, line)) return { outcome: 'reversed-before', paymentId };
    const invoices = (await Promise.all([...settledBy(payment).keys()].map((n) => deps.invoices.get(n)))).filter((i): i is Invoice => i !== undefined);
    const decision = reversePayment(payment, invoices, line, line.bookingDate);
    if (decision.kind === 'refused') return { outcome: 'refused', paymentId, reason: decision.reason };
    const { plan } = decision;
    const money = (amount: number) => ({ amount, currency: payment.currency });
    const result = await deps.paymentReturns.reverse({
      payment,
      record: { account: line.account, entryKey: line.entryKey, paymentId, on: line.bookingDate, amount: line.amount, currency: line.currency, importId },
      reopened: plan.reopened,
      paymentEvent: plan.paymentEvent,
      entry: plan.entry,
      audit: {
        at: deps.clock.now().toISOString(),
        actor: BANK_RETURNS,
        action: 'payment.return',
        entity: `payment:${paymentId}`,
        before: { unapplied: money(payment.unapplied), invoices: plan.reopened.map((r) => ({ invoiceNumber: r.invoice.number, balance: money(r.invoice.balance) })) },
        after: { unapplied: money(0), invoices: plan.reopened.map((r) => ({ invoiceNumber: r.invoice.number, balance: money(r.balance), status: r.status })) },
        reason: `returned by the bank: entry ${line.entryKey} of ${line.account}${line.returnReason ? ` (${line.returnReason})` : ''}, import ${importId}`,
      },
      aggregates: { collections: -plan.applied, unappliedCash: -plan.unapplied, paymentsReturned: line.amount, [METRIC.collectedBy(cashSource(payment.source))]: -plan.applied },
    });
    const invoiceNumbers = plan.reopened.map((r) => r.invoice.number);
    if (result === 'reversed') return { outcome: 'reversed', paymentId, invoices: invoiceNumbers };
    if (result === 'exists') return { outcome: 'reversed-before', paymentId };
    await deps.clock.sleep(20 * (reread + 1));
  }
  return { outcome: 'refused', paymentId, reason: `payment ${paymentId} or its invoices kept changing while the return was carried out: finance reverses it by hand` };
}
