/**
 * The end of a bank import: once apply-payment has matched every credit of
 * the file, its returns take back the payments they undo (the credits first,
 * then the returns: a return in the same file as its credit finds it applied)
 * and finance gets one summary email.
 *
 * How "every credit matched" is known, under retries and concurrency: the
 * import counts its credits still `outstanding` (distinct payment ids) on 16
 * counters beside it, so concurrent appliers of a large file update different
 * items. apply-payment, after it has written a payment of the import — or found
 * it written, on a retry or because an overlapping file brought it first — puts
 * a mark for (import, payment) only if absent, in one transaction with its
 * counter's `outstanding − 1` (`countApplied`); a counter's last credit is
 * counted in one transaction that also closes the counter and takes one off
 * the import's open counters, and only that count (`closed`) reads the import
 * — the others read nothing back. A payment therefore counts exactly once
 * however often its message is delivered, a crash between the payment and
 * the count is made good by the redelivery (the duplicate path counts too),
 * and a crash between a closing count and the finish too: the redelivery
 * finds its mark (`counted-before`) and looks at the import. Whoever then
 * reads 0 finishes the import:
 *
 * 1. Nothing to do unless the count is 0 and no summary was written.
 * 2. Take the summary's lease (conditional write; one finisher at a time),
 *    held by this delivery of this message (its queue message id and receive
 *    count, as a dunning shard's lease). Two appliers reading 0 at once (a
 *    duplicate delivery of another credit, a concurrent finisher): one wins,
 *    the other stops — its credit is counted, and the holder finishes. A
 *    finisher that crashed is taken over at once by a later delivery of its
 *    own message (the queue redelivers only after the earlier delivery's
 *    visibility timeout: that finisher is dead), by anyone else once the lease
 *    is stale (`SUMMARY_LEASE_MS`). A finisher that fails gives the lease back
 *    (only its own: not once a redelivery took it over).
 * 3. The returns and reversals of the file (its listed lines, in file order),
 *    each matched among the payments booked before it in the file and earlier
 *    ones, each carried out once (use-cases/bank-returns: a return item
 *    written only if absent); what became of each is kept on the import.
 * 4. Read the import's payments (BatchGet) and email finance: counts, matched
 *    by rule, the auto-match rate, unapplied cash by customer, the unidentified
 *    items, the proposals waiting, the deductions opened, the returns. One mail
 *    key per import (`bank-import:<importId>`): send-mail sends it once.
 * 5. Mark the import summarised.
 */
import { bankImportOutcome, totalsByCurrency, type BankLineGroup } from '#domain/bank-import';
import { formatMoney } from '#domain/money';
import type { Money } from '#domain/model';
import type { BankImports, Clock, Mail, StoredBankImport, StoredPayment, SummaryLeaseHolder } from '../ports.ts';
import { reverseReturns, type BankReturnsDeps } from './bank-returns.ts';

/** How long a finisher may hold the summary before another takes over. */
export const SUMMARY_LEASE_MS = 2 * 60_000;
/** The most items of each list the email shows (all are counted). */
const EMAIL_LINES_MAX = 50;

export interface BankImportSummaryDeps extends BankReturnsDeps {
  readonly bankImports: BankImports;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly financeRecipients: readonly string[];
  /** Customer names for the unapplied cash (absent: "a customer"). */
  readonly customers?: { get(customerId: string): Promise<{ readonly name: string } | undefined> };
}

/** The holder of a finish called outside a queue (a posted file, a test): taken over only once its lease is stale. */
const outsideAQueue = (importId: string): SummaryLeaseHolder => ({ messageId: `import:${importId}`, receiveCount: 0 });

/**
 * apply-payment has written (or found) this payment of an import: count it once, and finish the import when it
 * closed the last counter. `delivery`: the payment message's (the summary lease's holder).
 */
export async function countImportPayment(payment: { readonly id: string; readonly importId?: string; readonly delivery?: SummaryLeaseHolder }, deps: BankImportSummaryDeps): Promise<void> {
  if (!payment.importId) return;
  const counted = await deps.bankImports.countApplied(payment.importId, payment.id);
  // Only a count that closed a counter can have finished the matching; a count found made before may be the retry of one that did.
  if (counted === 'closed' || counted === 'counted-before') await finishBankImport({ importId: payment.importId, ...(payment.delivery ? { holder: payment.delivery } : {}) }, deps);
}

/**
 * Finishes the import if all its credits are matched and nobody else is at it (steps 1–5). True when this call
 * wrote the summary. `holder`: the queue delivery doing it (absent: `import:<importId>`, receive count 0).
 */
export async function finishBankImport(input: { readonly importId: string; readonly holder?: SummaryLeaseHolder }, deps: BankImportSummaryDeps): Promise<boolean> {
  const { importId } = input;
  const holder = input.holder ?? outsideAQueue(importId);
  const record = await deps.bankImports.get(importId);
  if (!record || record.outstanding === undefined || record.outstanding > 0 || record.summarisedAt) return false;
  const now = deps.clock.now();
  if (!(await deps.bankImports.claimSummary(importId, holder, now.toISOString(), new Date(now.getTime() - SUMMARY_LEASE_MS).toISOString()))) return false;
  try {
    await summarise(record, deps);
  } catch (error) {
    // Given back for the next finisher (the message's retry, another credit's); a dead finisher gives nothing back.
    await deps.bankImports.releaseSummary(importId, holder).catch(() => undefined);
    throw error;
  }
  return true;
}

/** Steps 3–5 under the lease: the returns, finance's email, the import marked summarised. */
async function summarise(record: StoredBankImport, deps: BankImportSummaryDeps): Promise<void> {
  const { importId } = record;
  let returnOutcomes = record.returnOutcomes;
  const paymentIds = await deps.bankImports.paymentIdsOf(record);
  if (!returnOutcomes && record.returns.lines.length > 0) {
    const at = new Map(paymentIds.map((id, i) => [id, i]));
    const later = (line: { readonly creditsBefore?: number }) => new Set([...at].filter(([, i]) => i >= (line.creditsBefore ?? paymentIds.length)).map(([id]) => id));
    returnOutcomes = await reverseReturns(record.returns.lines, importId, deps, later);
    await deps.bankImports.recordReturns(importId, returnOutcomes);
  }
  const payments = await deps.bankImports.paymentsOf(paymentIds);
  const owners = [...new Set(payments.flatMap((p) => (p.customerId && p.unapplied > 0 ? [p.customerId] : [])))];
  const names = new Map(await Promise.all(owners.map(async (id) => [id, (await deps.customers?.get(id))?.name ?? 'a customer (name not found)'] as const)));
  const summary = summaryEmail({ ...record, paymentIds, ...(returnOutcomes ? { returnOutcomes } : {}) }, payments, names);
  await deps.mail.enqueue({ key: `bank-import:${importId}`, to: deps.financeRecipients, ...summary });
  await deps.bankImports.markSummarised(importId, deps.clock.now().toISOString());
}

const money = (m: Money) => formatMoney(m);
const sums = (totals: readonly Money[]) => totals.map(money).join(' + ');
const rate = (r: number | null) => (r === null ? 'n/a (no credits)' : `${(r * 100).toFixed(1)} %`);
const clip = (text: string | undefined, max = 60) => (text === undefined ? undefined : text.length > max ? `${text.slice(0, max - 1)}…` : text);
const row = (label: string, count: number | string, totals: readonly Money[] = []) => `  ${label.padEnd(34)} ${String(count).padStart(6)}  ${sums(totals)}`.trimEnd();
const capped = <T>(items: readonly T[], show: (item: T) => string) => [...items.slice(0, EMAIL_LINES_MAX).map(show), ...(items.length > EMAIL_LINES_MAX ? [`  … and ${items.length - EMAIL_LINES_MAX} more (o2c bank show)`] : [])];
const paymentMoney = (p: StoredPayment, amount = p.amount) => money({ amount, currency: p.currency });
const who = (p: StoredPayment) => [p.payerName ? `payer ${p.payerName}` : 'no payer name', p.payerReference ? `reference ${p.payerReference}` : undefined, p.remittance ? `“${clip(p.remittance)}”` : undefined].filter(Boolean).join(' · ');

/** What became of each return: reversed (the invoices reopened) or listed for finance with the reason. */
function returnsText(record: StoredBankImport): string[] {
  if (record.returns.count === 0) return [];
  const outcomes = record.returnOutcomes ?? [];
  const done = outcomes.filter((o) => o.outcome === 'reversed' || o.outcome === 'reversed-before');
  const open = outcomes.filter((o) => o.outcome === 'unmatched' || o.outcome === 'refused');
  const line = (o: (typeof outcomes)[number], what: string) => `  ${o.bookingDate}  ${money(o).padStart(12)}  ${o.entryKey} · ${what}`;
  return [
    ...(done.length === 0 ? [] : ['', 'Returns and reversals carried out (the payment taken back, its invoices open again):', ...capped(done, (o) => line(o, o.outcome === 'reversed' ? `payment ${o.paymentId}, invoices ${(o.invoices ?? []).join(', ') || 'none (it was unapplied cash)'}` : `payment ${o.paymentId}, by an earlier file`))]),
    ...(open.length === 0 ? [] : ['', 'Returns and reversals for finance to act on (not carried out):', ...capped(open, (o) => line(o, [o.returnReason, o.reason ?? o.outcome].filter(Boolean).join(' · ')))]),
  ];
}

const listed = (title: string, group: BankLineGroup) =>
  group.count === 0 ? [] : ['', title, ...capped(group.lines, (l) => `  ${l.bookingDate}  ${money(l).padStart(12)}  ${[l.counterparty, l.returnReason, l.reference ?? l.remittance].filter(Boolean).join(' · ') || (l.transactionCode ?? '')}`.trimEnd())];

/** Finance's email once the import's credits are matched (English, money in its currency, no internal ids but the import's and the payments'); `record.paymentIds`: its payment ids, in file order. */
export function summaryEmail(record: StoredBankImport, payments: readonly StoredPayment[], customerNames: ReadonlyMap<string, string>): { subject: string; text: string } {
  const ids = record.paymentIds ?? [];
  const outcome = bankImportOutcome(ids.length, payments);
  const at = new Map(ids.map((id, i) => [id, i]));
  const ordered = [...payments].sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
  const auto = ordered.filter((p) => p.allocations.length > 0);
  const proposals = ordered.filter((p) => p.match && !p.match.auto && !p.match.rejected && p.match.proposal && p.match.proposal.applications.length > 0);
  const unidentified = ordered.filter((p) => !p.customerId && p.unapplied > 0);
  const deductions = ordered.filter((p) => p.match?.auto && p.match.deduction);
  const byCustomer = new Map<string, StoredPayment[]>();
  for (const p of ordered) if (p.customerId && p.unapplied > 0) byCustomer.set(p.customerId, [...(byCustomer.get(p.customerId) ?? []), p]);
  const debits = record.returns.count + record.fees.count + record.otherDebits.count;
  const statements = record.statements.map((s) => `${s.statementId}${s.sequence ? ` (no. ${s.sequence})` : ''} of ${s.account || 'an unnamed account'}`);
  const text = [
    `The bank file of import ${record.importId} has been matched (${record.format}${record.version ? ` ${record.version}` : ''}, ${record.source.kind === 's3' ? `dropped as s3://${record.source.bucket}/${record.source.key}` : `posted by ${record.source.actor}`}).`,
    `Statement${statements.length === 1 ? '' : 's'}: ${statements.join('; ') || 'none'}.`,
    '',
    row('Entries', record.entries),
    row('Credits', record.credits.count, record.credits.totals),
    row('  applied automatically', outcome.applied.count, totalsByCurrency(auto.map((p) => ({ amount: p.amount - p.unapplied, currency: p.currency })))),
    ...Object.entries(outcome.applied.byRule).sort(([a], [b]) => a.localeCompare(b)).map(([rule, n]) => row(`    by ${rule}`, n)),
    row('  proposed, waiting for a decision', proposals.length, totalsByCurrency(proposals)),
    row('  unapplied cash', outcome.unapplied.count, outcome.unapplied.amount),
    ...(outcome.pending > 0 ? [row('  not matched yet', outcome.pending)] : []),
    row('Auto-match rate', rate(outcome.autoMatchRate)),
    row('Deductions opened (short payments)', deductions.length, totalsByCurrency(deductions.map((p) => ({ amount: p.match!.deduction!.amount, currency: p.currency })))),
    row('Debits', debits, totalsByCurrency([...record.returns.totals, ...record.fees.totals, ...record.otherDebits.totals])),
    row('  returns and reversals', record.returns.count, record.returns.totals),
    row('  bank fees', record.fees.count, record.fees.totals),
    row('  other debits', record.otherDebits.count, record.otherDebits.totals),
    ...(record.notApplied.count > 0 ? [row('Not applied (pending, other)', record.notApplied.count, record.notApplied.totals)] : []),
    ...(byCustomer.size === 0
      ? []
      : ['', 'Unapplied cash by customer (o2c payments apply <payment> --invoice … to place it):', ...capped([...byCustomer], ([id, list]) => `  ${(customerNames.get(id) ?? 'a customer').padEnd(34)} ${sums(totalsByCurrency(list.map((p) => ({ amount: p.unapplied, currency: p.currency })))).padStart(12)}  ${list.map((p) => p.id).join(', ')}`)]),
    ...(unidentified.length === 0 ? [] : ['', 'Unidentified items (no customer found; o2c payments unassigned):', ...capped(unidentified, (p) => `  ${p.receivedOn}  ${paymentMoney(p, p.unapplied).padStart(12)}  ${p.id} · ${who(p)}`)]),
    ...(proposals.length === 0
      ? []
      : [
          '',
          `Proposed matches waiting for a decision (o2c bank apply|reject ${record.importId} <payment>):`,
          ...capped(proposals, (p) => `  ${p.receivedOn}  ${paymentMoney(p).padStart(12)}  ${p.id} → ${p.match!.proposal!.applications.map((a) => `${a.invoiceNumber} ${paymentMoney(p, a.amount)}`).join(', ')} · ${p.match!.matchedBy}, ${Math.round(p.match!.confidence * 100)} % sure · ${who(p)}`),
        ]),
    ...(deductions.length === 0 ? [] : ['', 'Deductions opened as short-payment disputes:', ...capped(deductions, (p) => `  ${p.match!.deduction!.invoiceNumber}  ${paymentMoney(p, p.match!.deduction!.amount).padStart(12)} short · payment ${p.id}`)]),
    ...returnsText(record),
    ...listed('Bank fees (not applied):', record.fees),
    ...listed('Other debits (not applied):', record.otherDebits),
    '',
    `Every credit and how it was matched: GET /finance/bank-statements/${record.importId} (o2c bank show ${record.importId}).`,
  ].join('\n');
  return { subject: `Bank statement matched: ${record.credits.count} credits, ${outcome.applied.count} applied automatically (${rate(outcome.autoMatchRate)})`, text };
}
