/**
 * A bank file in (posted to the API, or dropped into the S3 bucket): its
 * credits handed to apply-payment, its debits listed for finance.
 *
 * 1. Read the whole file as a stream (the bank parsers, entry by entry): a
 *    file that is not a statement, or does not add up, is refused with the
 *    reason (422) and nothing is written. Memory holds counts, the listed
 *    lines and the payment ids, not the file (`importBankFile`: two passes).
 * 2. Plan it (domain, as the entries pass): one payment per credit transaction
 *    (a batched entry pays several), returns and reversals, bank fees and
 *    other debits listed, never applied; pending entries listed as not applied.
 * 3. Claim the import: its id comes from the file's fingerprint (statement ids
 *    and accounts, else the file's SHA-256) and its item is written only if
 *    absent. The same file again returns the first import and sends nothing —
 *    unless the first never confirmed its payments queued (a crash between),
 *    then they are sent again: apply-payment applies each payment id once.
 * 4. Send the payments in batches of 500 to the payments queue (read from the
 *    file a second time, unless it had at most 5,000 credits), each with the bank's
 *    evidence (payer name and IBAN, references, the import and entry key). The
 *    payment id is the entry key qualified by the account, so the same entry in
 *    two overlapping files is one payment.
 * 5. Mark the import queued. The import counts its credits outstanding (on 16
 *    counters beside it); when apply-payment has counted the last one (or at once, for a file without
 *    credits) the import is finished (use-cases/bank-import-summary): its
 *    returns and reversals take back the payments they undo — the credits of
 *    the same file first — and finance gets one summary email.
 *
 * The view (GET) reads what apply-payment did from the payments themselves.
 */
import { BankImportPlanner, COUNT_SHARDS, shardCounts, bankImportId, bankImportOutcome, fingerprintOf, LISTED_LINES_MAX, MAX_CREDITS_PER_IMPORT, textDigest, totalsByCurrency, type BankCredit, type BankLine, type BankLineGroup } from '#domain/bank-import';
import { BankFileUnsupported, NotFoundError, O2cError } from '../errors.ts';
import type { BankFileEvent } from '../platforms/bank/types.ts';
import type { BankFileSource, BankFileStore, BankImports, Clock, Mail, Outbox, PaymentMessage, StoredBankImport, StoredPayment, SummaryLeaseHolder } from '../ports.ts';
import { proposalsOf } from './bank-proposals.ts';
import { finishBankImport, type BankImportSummaryDeps } from './bank-import-summary.ts';
import { reverseReturns } from './bank-returns.ts';
import { paymentIdOf } from './receive-payment.ts';

export interface BankImportDeps extends BankImportSummaryDeps {
  readonly bankImports: BankImports;
  readonly paymentQueue: Outbox<PaymentMessage>;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly financeRecipients: readonly string[];
  /** The bank parsers as a stream (platforms/bank `readBankFileStream` with the configured CSV mapping). */
  readonly readBankFile: (chunks: AsyncIterable<string>) => AsyncIterable<BankFileEvent>;
}

/** A bank file: its text (a posted body), or a way to read it as a stream, as often as asked (a dropped object). */
export type BankFileBody = string | { readonly open: () => AsyncIterable<string> };

export interface BankImportResult {
  readonly importId: string;
  /** False when this file was imported before: nothing was applied again. */
  readonly created: boolean;
  readonly record: StoredBankImport;
}

/** Credits sent to the payments queue at a time (what the second pass holds in memory). */
export const PAYMENT_BATCH = 500;
/** A file with at most this many credits is read once (its credits kept from the first pass, a few MB); a larger one twice. */
export const KEPT_CREDITS = 5000;

async function* chunksOf(body: BankFileBody, digest?: { update(text: string): void }): AsyncGenerator<string> {
  if (typeof body === 'string') {
    digest?.update(body);
    yield body;
    return;
  }
  for await (const chunk of body.open()) {
    digest?.update(chunk);
    yield chunk;
  }
}

/**
 * One pass over the file: every event through the planner; `onCredits` gets the
 * credits in batches of `PAYMENT_BATCH` (the last batch when the file ends). A
 * file that is wrong throws where the reader finds it.
 */
async function readPass(body: BankFileBody, deps: Pick<BankImportDeps, 'readBankFile'>, onCredits?: (credits: readonly BankCredit[]) => Promise<void>) {
  const planner = new BankImportPlanner();
  const digest = textDigest();
  let batch: BankCredit[] = [];
  for await (const e of deps.readBankFile(chunksOf(body, digest))) {
    if (e.kind === 'file') planner.file(e.format, e.version);
    else if (e.kind === 'statement') planner.statement(e.statement);
    else if (e.kind === 'entry') {
      const credits = planner.entry(e.entry);
      if (onCredits && credits.length > 0) {
        batch.push(...credits);
        if (batch.length >= PAYMENT_BATCH) {
          await onCredits(batch);
          batch = [];
        }
      }
    }
  }
  if (onCredits && batch.length > 0) await onCredits(batch);
  return { planner, digest };
}

function messageOf(c: BankCredit, importId: string): PaymentMessage {
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
}

/**
 * Steps 1–5 above, over the file as a stream, in two passes: the first reads
 * the whole file — every entry parsed, every balance checked — keeping only
 * counts, the listed lines and the payment ids; nothing is written unless it
 * holds. The second reads it again and sends its credits in batches (a file of
 * at most `KEPT_CREDITS` credits is read once: they are kept from the first). (Two
 * passes rather than staging the entries in the table: a refused file writes
 * nothing at all, and a second read of the object costs one GET, where staging
 * a 20,000-entry file costs 20,000 writes and their reads.)
 */
/** `delivery`: the queue delivery of a dropped file (the summary lease's holder, when the import is finished here). */
export async function importBankFile(input: { readonly body: BankFileBody; readonly source: BankFileSource; readonly delivery?: SummaryLeaseHolder }, deps: BankImportDeps): Promise<BankImportResult> {
  const paymentIds: string[] = [];
  // A file of up to KEPT_CREDITS credits is read once: its credits are kept from the first pass.
  let kept: BankCredit[] | undefined = [];
  const first = await readPass(input.body, deps, async (credits) => {
    for (const c of credits) paymentIds.push(paymentIdOf({ source: 'bank', externalId: c.externalId }));
    if (kept) kept = kept.length + credits.length > KEPT_CREDITS ? undefined : [...kept, ...credits];
    if (paymentIds.length > MAX_CREDITS_PER_IMPORT) {
      throw new BankFileUnsupported(`the file holds more than ${MAX_CREDITS_PER_IMPORT} credits; one import takes at most ${MAX_CREDITS_PER_IMPORT}: ask the bank for daily statements, or split the file by statement`);
    }
  });
  const summary = first.planner.summary();
  const returns = first.planner.returns;
  const fingerprint = fingerprintOf(summary.format, summary.statements, () => first.digest.hex());
  const importId = bankImportId(fingerprint);
  const finish = () => finishBankImport({ importId, ...(input.delivery ? { holder: input.delivery } : {}) }, deps);
  const now = deps.clock.now().toISOString();
  // The credits are counted down on COUNT_SHARDS counters; the import's `outstanding` counts the counters not yet at 0.
  const counts = shardCounts(paymentIds);
  const { created, record } = await deps.bankImports.create(
    {
      ...summary,
      importId,
      fingerprint,
      status: 'received',
      source: input.source,
      receivedAt: now,
      paymentIds,
      countShards: COUNT_SHARDS,
      outstanding: counts.filter((n) => n > 0).length,
    },
    { shardCounts: counts },
  );
  if (record.status === 'queued') {
    if (record.outstanding === undefined) {
      // An import made before the count: queued, but its returns never recorded (a crash between): carry them out now.
      if (returns.length > 0 && !record.returnOutcomes) await takeBackReturns(importId, returns, deps);
    } else await finish(); // a crash after queuing a file whose credits were all matched already
    return { importId, created, record };
  }
  const send = (credits: readonly BankCredit[]) => deps.paymentQueue.sendMany(credits.map((c) => messageOf(c, importId)));
  if (kept) for (let i = 0; i < kept.length; i += PAYMENT_BATCH) await send(kept.slice(i, i + PAYMENT_BATCH));
  else await readPass(input.body, deps, send);
  await deps.bankImports.markQueued(importId, deps.clock.now().toISOString());
  // Returns beyond the listed ones (the import is one item) are carried out at once; the listed ones after the credits.
  if (returns.length > LISTED_LINES_MAX) await reverseReturns(returns.slice(LISTED_LINES_MAX), importId, deps);
  // No credits (or all matched already): the import is finished now; else the last payment apply-payment counts finishes it.
  if (record.outstanding !== undefined) await finish();
  // An import made before the count, never confirmed queued (a crash), posted again: its returns as it would have.
  else if (returns.length > 0 && !record.returnOutcomes) await takeBackReturns(importId, returns, deps);
  return { importId, created, record: (await deps.bankImports.get(importId)) ?? record };
}

/** The returns carried out and kept on the import's one item (the first LISTED_LINES_MAX; every one is carried out all the same). */
async function takeBackReturns(importId: string, returns: readonly BankLine[], deps: BankImportDeps) {
  const outcomes = (await reverseReturns(returns, importId, deps)).slice(0, LISTED_LINES_MAX);
  await deps.bankImports.recordReturns(importId, outcomes);
  return outcomes;
}

const debitTotals = (r: StoredBankImport) => totalsByCurrency([...r.returns.totals, ...r.fees.totals, ...r.otherDebits.totals]);

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
  const paymentIds = await deps.bankImports.paymentIdsOf(record);
  const payments = await deps.bankImports.paymentsOf(paymentIds);
  const outcome = bankImportOutcome(paymentIds.length, payments);
  return {
    importId: record.importId,
    // applied: matching finished (returns carried out, finance told); an import made before the count: when nothing is pending.
    status: record.summarisedAt || (record.outstanding === undefined && record.status === 'queued' && outcome.pending === 0) ? 'applied' : record.status,
    format: record.format,
    ...(record.version ? { version: record.version } : {}),
    receivedAt: record.receivedAt,
    ...(record.queuedAt ? { queuedAt: record.queuedAt } : {}),
    source: record.source,
    statements: record.statements,
    entries: record.entries,
    credits: record.credits,
    debits: { count: record.returns.count + record.fees.count + record.otherDebits.count, totals: debitTotals(record) },
    queued: record.status === 'queued' ? paymentIds.length : 0,
    /** When the matching finished and finance's summary was sent (absent: still matching). */
    ...(record.summarisedAt ? { matchedAt: record.summarisedAt } : {}),
    pending: outcome.pending,
    applied: outcome.applied,
    /** Matched below the confidence threshold: kept as unapplied cash with the cascade's proposal (GET /finance/payments/{id}), for finance to confirm. */
    proposed: outcome.proposed,
    /** Proposals finance rejected (POST …/items/{paymentId}/reject): the cash stays unapplied. */
    rejected: outcome.rejected,
    /** The proposals still waiting for finance (POST …/items/{paymentId}/apply confirms one), in file order. */
    proposals: proposalsOf(inFileOrder(paymentIds, payments)),
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
  object: { readonly bucket: string; readonly key: string; readonly eTag?: string; readonly delivery?: SummaryLeaseHolder },
  deps: BankImportDeps & { readonly bankFiles: BankFileStore },
): Promise<{ importId: string; created: boolean } | { refused: string }> {
  // Streamed (twice: checked, then sent), the same version each time.
  const body = { open: () => deps.bankFiles.stream(object.bucket, object.key, object.eTag) };
  try {
    const { importId, created } = await importBankFile({ body, source: { kind: 's3', bucket: object.bucket, key: object.key }, ...(object.delivery ? { delivery: object.delivery } : {}) }, deps);
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
