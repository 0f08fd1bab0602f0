/** build-report (daily schedule, `{ "asOf": … }` to time-travel): AR aging and DSO to finance — use-cases/build-report. */
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { ScheduleInput } from '#platforms/canonical';
import { companyOf, readBindings, scheduledHandler, systemClock } from '#runtime';
import { buildReport } from '#use-cases/build-report';

const env = readBindings('build-report');
const { invoices, aggregates } = repositories(env.TABLE_NAME);
export const deps = { invoices, aggregates, mail: mailQueue(env.MAIL_QUEUE_URL), clock: systemClock, company: companyOf(env), financeRecipients: env.FINANCE_RECIPIENTS };
export const handler = scheduledHandler(ScheduleInput, (input) => buildReport(input, deps));
