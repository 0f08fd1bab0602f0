/**
 * A bank file in (posted to the API, or dropped into the S3 bucket): its
 * credits handed to apply-payment, its debits listed for finance.
 *
 * 1. Read the file (the bank parsers): a file that is not a statement, or does
 *    not add up, is refused with the reason (422) and nothing is written.
 * 2. Plan it (domain): one payment per credit transaction (a batched entry pays
 *    several), returns and reversals, bank fees and other debits listed, never
 *    applied; pending entries listed as not applied.
 * 3. Claim the import: its id comes from the file's fingerprint (statement ids
 *    and accounts, else the file's SHA-256) and its item is written only if
 *    absent. The same file again returns the first import and sends nothing —
 *    unless the first never confirmed its payments queued (a crash between),
 *    then they are sent again: apply-payment applies each payment id once.
 * 4. Send the payments in batches to the payments queue, each with the bank's
 *    evidence (payer name and IBAN, references, the import and entry key). The
 *    payment id is the entry key qualified by the account, so the same entry in
 *    two overlapping files is one payment.
 * 5. Mark the import queued. Then its returns and reversals take back the
 *    payments they undo and reopen their invoices (use-cases/bank-returns:
 *    once per return entry), and what became of each is kept on the import;
 *    what cannot be matched or reversed stays listed for finance, with the
 *    reason. The same file again after a crash between carries them out then.
 * 6. Email finance once (mail key per import).
 *
 * The view (GET) reads what apply-payment did from the payments themselves.
 */
import { bankFileFingerprint, bankImportId, bankImportOutcome, LISTED_LINES_MAX, MAX_CREDITS_PER_IMPORT, planBankImport, summariseBankImport, totalsByCurrency, type BankLine, type BankLineGroup } from '#domain/bank-import';
import { formatMoney } from '#domain/money';
import type { Money } from '#domain/model';
import { BankFileUnsupported, NotFoundError, O2cError } from '../errors.ts';
import type { BankFile } from '../platforms/bank/types.ts';
import type { BankFileSource, BankFileStore, BankImports, Clock, Mail, Outbox, PaymentMessage, StoredBankImport, StoredPayment } from '../ports.ts';
import { proposalsOf } from './bank-proposals.ts';
import { reverseReturns, type BankReturnsDeps } from './bank-returns.ts';
import { paymentIdOf } from './receive-payment.ts';

export interface BankImportDeps extends BankReturnsDeps {
  readonly bankImports: BankImports;
  readonly paymentQueue: Outbox<PaymentMessage>;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly financeRecipients: readonly string[];
  /** The bank parsers (platforms/bank `parseBankFile` with the configured CSV mapping). */
  readonly readBankFile: (body: string) => BankFile;
}

export interface BankImportResult {
  readonly importId: string;
  /** False when this file was imported before: nothing was applied again. */
  readonly created: boolean;
  readonly record: StoredBankImport;
}

export async function importBankFile(input: { readonly body: string; readonly source: BankFileSource }, deps: BankImportDeps): Promise<BankImportResult> {
  const file = deps.readBankFile(input.body);
  const plan = planBankImport(file);
  if (plan.credits.length > MAX_CREDITS_PER_IMPORT) {
    throw new BankFileUnsupported(`the file holds ${plan.credits.length} credits; one import takes at most ${MAX_CREDITS_PER_IMPORT}: ask the bank for daily statements, or split the file by statement`);
  }
  const fingerprint = bankFileFingerprint(file, input.body);
  const importId = bankImportId(fingerprint);
  const messages: PaymentMessage[] = plan.credits.map((c) => {
    const report = {
      source: 'bank' as const,
      externalId: c.externalId,
      amount: c.amount,
      currency: c.currency,
      receivedOn: c.bookingDate,
      ...(c.creditorReference ? { payerReference: c.creditorReference } : {}),
      ...(c.remittance ? { remittance: c.remittance } : {}),
      ...(c.payerName ? { payerName: c.payerName } : {}),
      ...(c.payerIban ? { payerIban: c.payerIban } : {}),
      ...(c.endToEndId ? { endToEndId: c.endToEndId } : {}),
      importId,
      entryKey: c.entryKey,
    };
    return { ...report, id: paymentIdOf(report) };
  });
  const now = deps.clock.now().toISOString();
  const { created, record } = await deps.bankImports.create({
    ...summariseBankImport(plan),
    importId,
    fingerprint,
    status: 'received',
    source: input.source,
    receivedAt: now,
    paymentIds: messages.map((m) => m.id),
  });
  if (record.status === 'queued') {
    // Queued, but its returns never recorded (a crash between): carry them out now (once per return entry).
    if (plan.returns.length > 0 && !record.returnOutcomes) await takeBackReturns(importId, plan, deps);
    return { importId, created, record };
  }
  await deps.paymentQueue.sendMany(messages);
  await deps.bankImports.markQueued(importId, deps.clock.now().toISOString());
  const returnOutcomes = plan.returns.length > 0 ? await takeBackReturns(importId, plan, deps) : undefined;
  const queued: StoredBankImport = { ...record, status: 'queued', queuedAt: deps.clock.now().toISOString(), ...(returnOutcomes ? { returnOutcomes } : {}) };
  await deps.mail.enqueue({ key: `bank-import:${importId}`, to: deps.financeRecipients, ...importEmail(queued) });
  return { importId, created, record: queued };
}

/** The returns carried out and kept on the import's one item (the first LISTED_LINES_MAX; every one is carried out all the same). */
async function takeBackReturns(importId: string, plan: ReturnType<typeof planBankImport>, deps: BankImportDeps) {
  const outcomes = (await reverseReturns(plan.returns, importId, deps)).slice(0, LISTED_LINES_MAX);
  await deps.bankImports.recordReturns(importId, outcomes);
  return outcomes;
}

const money = (m: Money) => formatMoney(m);
const sums = (totals: readonly Money[]) => totals.map(money).join(' + ');
const debitTotals = (r: StoredBankImport) => totalsByCurrency([...r.returns.totals, ...r.fees.totals, ...r.otherDebits.totals]);

/** What became of each return: reversed (the invoices reopened) or listed for finance with the reason. */
function returnsText(record: StoredBankImport): string[] {
  const outcomes = record.returnOutcomes ?? [];
  if (record.returns.count === 0) return [];
  const done = outcomes.filter((o) => o.outcome === 'reversed' || o.outcome === 'reversed-before');
  const open = outcomes.filter((o) => o.outcome === 'unmatched' || o.outcome === 'refused');
  const row = (o: (typeof outcomes)[number], what: string) => `  ${o.bookingDate}  ${money(o).padStart(12)}  ${o.entryKey} · ${what}`;
  return [
    ...(done.length === 0 ? [] : ['', 'Returns and reversals carried out (the payment taken back, its invoices open again):', ...done.map((o) => row(o, o.outcome === 'reversed' ? `payment ${o.paymentId}, invoices ${(o.invoices ?? []).join(', ') || 'none (it was unapplied cash)'}` : `payment ${o.paymentId}, by an earlier file`))]),
    ...(open.length === 0 ? [] : ['', 'Returns and reversals for finance to act on (not carried out):', ...open.map((o) => row(o, [o.returnReason, o.reason ?? o.outcome].filter(Boolean).join(' · ')))]),
  ];
}

/** Finance's email (English): what the file held and what was queued; the matching is read later (GET). */
export function importEmail(record: StoredBankImport): { subject: string; text: string } {
  const statements = record.statements.map((s) => `${s.statementId}${s.sequence ? ` (no. ${s.sequence})` : ''} of ${s.account || 'an unnamed account'}`);
  const debits = record.returns.count + record.fees.count + record.otherDebits.count;
  const row = (label: string, count: number, totals: readonly Money[] = []) => `  ${label.padEnd(30)} ${String(count).padStart(5)}  ${sums(totals)}`.trimEnd();
  const listed = (title: string, group: BankLineGroup) =>
    group.count === 0
      ? []
      : [
          '',
          title,
          ...group.lines.slice(0, 50).map((l) => `  ${l.bookingDate}  ${money(l).padStart(12)}  ${[l.counterparty, l.returnReason, l.reference ?? l.remittance].filter(Boolean).join(' · ')}`),
          ...(group.count > 50 ? [`  … and ${group.count - 50} more`] : []),
        ];
  const text = [
    `A bank file was imported (${record.format}${record.version ? ` ${record.version}` : ''}, ${record.source.kind === 's3' ? `dropped as s3://${record.source.bucket}/${record.source.key}` : `posted by ${record.source.actor}`}).`,
    `Statement${statements.length === 1 ? '' : 's'}: ${statements.join('; ')}.`,
    '',
    row('Entries', record.entries),
    row('Credits queued for matching', record.credits.count, record.credits.totals),
    row('Debits', debits, debitTotals(record)),
    row('  returns and reversals', record.returns.count, record.returns.totals),
    row('  bank fees', record.fees.count, record.fees.totals),
    row('  other debits', record.otherDebits.count, record.otherDebits.totals),
    ...(record.notApplied.count > 0 ? [row('Not applied (pending, other)', record.notApplied.count, record.notApplied.totals)] : []),
    ...returnsText(record),
    ...listed('Bank fees (not applied):', record.fees),
    ...listed('Other debits (not applied):', record.otherDebits),
    '',
    `The credits are being matched to invoices now. How each was applied, the unapplied cash and the auto-match rate: GET /finance/bank-statements/${record.importId} (o2c bank show ${record.importId}).`,
  ].join('\n');
  return { subject: `Bank statement imported: ${record.entries} entries, ${record.credits.count} credits queued`, text };
}

const lineView = ({ amount, currency, ...rest }: BankLine) => ({ ...rest, amount: { amount, currency } });
const groupView = (g: BankLineGroup) => ({ count: g.count, totals: g.totals, lines: g.lines.map(lineView) });

const inFileOrder = (ids: readonly string[], payments: readonly StoredPayment[]) => {
  const at = new Map(ids.map((id, i) => [id, i]));
  return [...payments].sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
};

/** An import as finance reads it: the file's counts, and what apply-payment did with its credits so far. */
export async function bankImportView(importId: string, deps: { readonly bankImports: BankImports }) {
  const record = await deps.bankImports.get(importId);
  if (!record) throw new NotFoundError(`bank-statement import ${importId} does not exist`, 'BankImportNotFound');
  const payments = await deps.bankImports.paymentsOf(record.paymentIds);
  const outcome = bankImportOutcome(record.paymentIds.length, payments);
  return {
    importId: record.importId,
    status: record.status === 'queued' && outcome.pending === 0 ? 'applied' : record.status,
    format: record.format,
    ...(record.version ? { version: record.version } : {}),
    receivedAt: record.receivedAt,
    ...(record.queuedAt ? { queuedAt: record.queuedAt } : {}),
    source: record.source,
    statements: record.statements,
    entries: record.entries,
    credits: record.credits,
    debits: { count: record.returns.count + record.fees.count + record.otherDebits.count, totals: debitTotals(record) },
    queued: record.status === 'queued' ? record.paymentIds.length : 0,
    pending: outcome.pending,
    applied: outcome.applied,
    /** Matched below the confidence threshold: kept as unapplied cash with the cascade's proposal (GET /finance/payments/{id}), for finance to confirm. */
    proposed: outcome.proposed,
    /** Proposals finance rejected (POST …/items/{paymentId}/reject): the cash stays unapplied. */
    rejected: outcome.rejected,
    /** The proposals still waiting for finance (POST …/items/{paymentId}/apply confirms one), in file order. */
    proposals: proposalsOf(inFileOrder(record.paymentIds, payments)),
    unapplied: outcome.unapplied,
    autoMatchRate: outcome.autoMatchRate,
    returns: { ...groupView(record.returns), outcomes: (record.returnOutcomes ?? []).map(({ amount, currency, ...o }) => ({ ...o, amount: { amount, currency } })) },
    fees: groupView(record.fees),
    otherDebits: groupView(record.otherDebits),
    notApplied: groupView(record.notApplied),
  };
}

/**
 * A bank file dropped into the bucket (banks, SFTP gateways): the same import.
 * A file that cannot be imported is not retried (it would fail the same way):
 * finance is told why, once per object version (its ETag), and nothing is applied.
 */
export async function importDroppedBankFile(
  object: { readonly bucket: string; readonly key: string; readonly eTag?: string },
  deps: BankImportDeps & { readonly bankFiles: BankFileStore },
): Promise<{ importId: string; created: boolean } | { refused: string }> {
  const body = await deps.bankFiles.read(object.bucket, object.key);
  try {
    const { importId, created } = await importBankFile({ body, source: { kind: 's3', bucket: object.bucket, key: object.key } }, deps);
    return { importId, created };
  } catch (error) {
    if (!(error instanceof O2cError) || error.kind !== 'invalid') throw error;
    await deps.mail.enqueue({
      key: `bank-import-refused:${object.bucket}/${object.key}#${object.eTag ?? ''}`,
      to: deps.financeRecipients,
      subject: `Bank file not imported: ${object.key}`,
      text: `The bank file s3://${object.bucket}/${object.key} was not imported, and nothing of it was applied:\n\n  ${error.message}\n\nAsk the bank for a corrected file, or post it to POST /finance/bank-statements once it is fixed.`,
    });
    return { refused: error.message };
  }
}
