/** build-report (schedules `{ "kind": "flash" | "weekly" | "month-end" }`, `asOf` to time-travel, `resend: true` to send again): the finance pack to its recipients — use-cases/build-report. */
import { packDocuments } from '#adapters/pack-documents';
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { ReportScheduleInput } from '#platforms/canonical';
import { companyOf, readBindings, reportRecipientsOf, scheduledHandler, systemClock } from '#runtime';
import { buildReport } from '#use-cases/build-report';
import { interimPackFigures } from '#use-cases/interim-pack-figures';

const env = readBindings('build-report');
const { invoices, aggregates, audit } = repositories(env.TABLE_NAME);
const company = companyOf(env);
export const deps = {
  // Seam: use-cases/finance-pack `financePack` replaces the interim figures when it lands.
  figures: interimPackFigures({ invoices, aggregates, company }),
  packDocuments,
  mail: mailQueue(env.MAIL_QUEUE_URL),
  audit,
  clock: systemClock,
  company,
  recipients: reportRecipientsOf(env.REPORT_RECIPIENTS),
};
export const handler = scheduledHandler(ReportScheduleInput, (input) => buildReport(input, deps));
