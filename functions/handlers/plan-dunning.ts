/** plan-dunning (daily schedule, `{ "asOf": … }` to time-travel): letters, fees and actions the policy calls for, the collectors' worklist — use-cases/plan-dunning (and, invoked by hand, schedule-open-invoices). */
import { mailQueue } from '#adapters/mail-queue';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { ScheduleInput } from '#platforms/canonical';
import { businessMetrics, companyOf, dunningPolicyOf, readBindings, scheduledHandler, systemClock } from '#runtime';
import type { ReminderRequest } from '#ports';
import { planDunning } from '#use-cases/plan-dunning';
import { scheduleOpenInvoices } from '#use-cases/schedule-open-invoices';

const env = readBindings('plan-dunning');
const { invoices, customers, payments, disputes, refundRequests, dunning, paymentPlans } = repositories(env.TABLE_NAME);
export const deps = { invoices, customers, payments, disputes, refundRequests, dunning, paymentPlans, reminderQueue: sqsOutbox<ReminderRequest>(env.DUNNING_QUEUE_URL), clock: systemClock, metrics: businessMetrics, company: companyOf(env), policy: dunningPolicyOf(env.DUNNING_POLICY), mail: mailQueue(env.MAIL_QUEUE_URL), financeRecipients: env.FINANCE_RECIPIENTS };
// `{ "scheduleOpenInvoices": true }` (invoke it once after deploying the next-action index): the one-off that dates older invoices.
export const handler = scheduledHandler(ScheduleInput, (input): Promise<unknown> => (input.scheduleOpenInvoices === true ? scheduleOpenInvoices(input, deps) : planDunning(input, deps)));
