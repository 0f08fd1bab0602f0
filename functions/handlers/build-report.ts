/** build-report (schedules `{ "kind": "flash" | "weekly" | "month-end" }`, `asOf` to time-travel, `resend: true` to send again): the finance pack to its recipients — use-cases/build-report. */
import { packDocuments } from '#adapters/pack-documents';
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import type { PackKind } from '#domain/finance-pack';
import type { IsoDate } from '#domain/model';
import { ReportScheduleInput } from '#platforms/canonical';
import { companyOf, readBindings, reportRecipientsOf, scheduledHandler, systemClock } from '#runtime';
import { buildReport } from '#use-cases/build-report';
import { financePack } from '#use-cases/finance-pack';

const env = readBindings('build-report');
const { invoices, aggregates, audit, disputes, figures } = repositories(env.TABLE_NAME);
const company = companyOf(env);
export const deps = {
  figures: (kind: PackKind, asOf: IsoDate) => financePack({ kind, asOf }, { invoices, disputes, aggregates, figures, clock: systemClock, company }),
  packDocuments,
  mail: mailQueue(env.MAIL_QUEUE_URL),
  audit,
  clock: systemClock,
  company,
  recipients: reportRecipientsOf(env.REPORT_RECIPIENTS),
};
export const handler = scheduledHandler(ReportScheduleInput, (input) => buildReport(input, deps));
