/** plan-dunning (daily schedule, `{ "asOf": … }` to time-travel): queue the reminders due — use-cases/plan-dunning. */
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { ScheduleInput } from '#platforms/canonical';
import { businessMetrics, companyOf, readBindings, scheduledHandler, systemClock } from '#runtime';
import type { ReminderRequest } from '#ports';
import { planDunning } from '#use-cases/plan-dunning';

const env = readBindings('plan-dunning');
const { invoices, dunning } = repositories(env.TABLE_NAME);
export const deps = { invoices, dunning, reminderQueue: sqsOutbox<ReminderRequest>(env.DUNNING_QUEUE_URL), clock: systemClock, metrics: businessMetrics, company: companyOf(env), levels: env.DUNNING_LEVELS };
export const handler = scheduledHandler(ScheduleInput, (input) => planDunning(input, deps));
