/**
 * The finance pack (daily flash, weekly pack, month-end pack), rendered and emailed to the kind's recipients.
 * 1. Kind (default `flash`) and as-of date: given, else the kind's day in the company's zone — flash: today; weekly:
 *    yesterday (the week just ended); month-end: the last day of the month before this one (it runs after it).
 * 2. The figures for (kind, as-of) from the `figures` port (computed elsewhere; this use case does not compute them).
 * 3. Render: a table per section, a CSV per table, the PDF with charts, one XLSX workbook, the HTML + text summary.
 * 4. Email it under the key `report:<kind>:<asOf>`, so a repeated run (a retry, a second trigger) sends nothing;
 *    with `resend`, under `report:<kind>:<asOf>:resend:<n>` (n: the resends audited before, plus one), then audited
 *    (`report.resend` on `report:<kind>:<asOf>`, with who asked), so a retry of that resend is the same key again.
 */
import { addDays, todayIn } from '#domain/dates';
import { PACK_KINDS, type PackKind } from '#domain/finance-pack';
import type { IsoDate } from '#domain/model';
import { csvFilename, packFilename, packTables, tableCsv } from '#domain/pack-tables';
import { packSummary } from '#domain/pack-summary';
import type { Audit, Clock, Company, Mail, MailAttachment, PackDocuments, PackFigures } from '../ports.ts';

export interface BuildReportDeps {
  readonly figures: PackFigures;
  readonly packDocuments: PackDocuments;
  readonly mail: Mail;
  readonly audit: Audit;
  readonly clock: Clock;
  readonly company: Pick<Company, 'name' | 'timezone'>;
  /** Who receives each kind (config `reports.<kind>.recipients`, default `financeRecipients`). */
  readonly recipients: Readonly<Record<PackKind, readonly string[]>>;
}

export interface BuildReportInput {
  readonly kind?: PackKind;
  readonly asOf?: IsoDate;
  /** Send again although this (kind, as-of) was sent: asked for explicitly (`o2c schedule run report --resend`). */
  readonly resend?: boolean;
  /** Who asked for a resend (audited); default `schedule`. */
  readonly requestedBy?: string;
}

/** The attachments of one email stay well inside the mail queue's 1 MiB message (base64 adds a third) and SES's 10 MB. */
export const MAX_PACK_BYTES = 600_000;

/** The day a pack of `kind` run today covers. */
export function defaultAsOf(kind: PackKind, today: IsoDate): IsoDate {
  if (kind === 'weekly') return addDays(today, -1);
  if (kind === 'month-end') return addDays(`${today.slice(0, 8)}01`, -1);
  return today;
}

export async function buildReport(input: BuildReportInput, deps: BuildReportDeps) {
  const kind = input.kind ?? 'flash';
  if (!PACK_KINDS.includes(kind)) throw new TypeError(`unknown report kind ${String(kind)}`);
  const asOf = input.asOf ?? defaultAsOf(kind, todayIn(deps.company.timezone, deps.clock.now()));

  const pack = await deps.figures(kind, asOf);

  const tables = packTables(pack);
  const files: { filename: string; contentType: string; bytes: Uint8Array }[] = [
    { filename: packFilename(pack, 'pdf'), contentType: 'application/pdf', bytes: await deps.packDocuments.pdf(pack, tables) },
    { filename: packFilename(pack, 'xlsx'), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: await deps.packDocuments.xlsx(tables) },
    ...tables.map((t) => ({ filename: csvFilename(pack, t), contentType: 'text/csv; charset=utf-8', bytes: new TextEncoder().encode(tableCsv(t)) })),
  ];
  const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
  if (bytes > MAX_PACK_BYTES) throw new RangeError(`the ${kind} pack as of ${asOf} is ${bytes} bytes, over the ${MAX_PACK_BYTES} an email carries here`);
  const attachments: MailAttachment[] = files.map((f) => ({ filename: f.filename, contentType: f.contentType, contentBase64: Buffer.from(f.bytes).toString('base64') }));

  const entity = `report:${kind}:${asOf}`;
  const resends = input.resend ? (await deps.audit.entriesOf(entity)).filter((e) => e.action === 'report.resend').length + 1 : 0;
  const key = resends > 0 ? `${entity}:resend:${resends}` : entity;
  const summary = packSummary(pack, files.map((f) => f.filename), resends > 0);
  const to = deps.recipients[kind];
  await deps.mail.enqueue({ key, to, subject: summary.subject, text: summary.text, html: summary.html, attachments });
  if (resends > 0) {
    await deps.audit.record({ at: deps.clock.now().toISOString(), on: todayIn(deps.company.timezone, deps.clock.now()), actor: input.requestedBy ?? 'schedule', action: 'report.resend', entity, after: { key, to: [...to] } });
  }
  return { kind, asOf, key, to, period: pack.period, currencies: pack.currencies.map((c) => c.currency), attachments: files.map((f) => ({ filename: f.filename, bytes: f.bytes.length })), bytes };
}
