/** plan-dunning (daily schedule, `{ "asOf": … }` to time-travel): starts a dunning run, one message per shard for run-dunning-shard — use-cases/start-dunning-run (and, invoked by hand, the one-offs schedule-open-invoices and file-unapplied-cash). */
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { ScheduleInput } from '#platforms/canonical';
import { companyOf, dunningPolicyOf, readBindings, scheduledHandler, systemClock } from '#runtime';
import type { DunningShardMessage } from '#ports';
import { fileUnappliedCash } from '#use-cases/file-unapplied-cash';
import { scheduleOpenInvoices } from '#use-cases/schedule-open-invoices';
import { startDunningRun } from '#use-cases/start-dunning-run';

const env = readBindings('plan-dunning');
const { invoices, dunningRuns, payments, payers } = repositories(env.TABLE_NAME);
export const deps = { invoices, dunningRuns, payments, payers, dunningShardQueue: sqsOutbox<DunningShardMessage>(env.DUNNING_SHARDS_QUEUE_URL), clock: systemClock, company: companyOf(env), policy: dunningPolicyOf(env.DUNNING_POLICY) };
// `{ "scheduleOpenInvoices": true }` (invoke it once after deploying the next-action index or a change of its shards): the one-off that dates and re-indexes open invoices;
// `{ "fileUnappliedCash": true }` (once after deploying the unapplied-cash items): the one-off that files the payments holding unapplied cash for the credit check.
export const handler = scheduledHandler(ScheduleInput, (input): Promise<unknown> =>
  input.fileUnappliedCash === true ? fileUnappliedCash(deps) : input.scheduleOpenInvoices === true ? scheduleOpenInvoices(input, deps) : startDunningRun(input, deps),
);
