/** run-dunning-shard (dunning-shards queue): one shard of a dunning run — its customers' letters, fees and actions; the last shard of the run sends the worklist — use-cases/run-dunning-shard. */
import { mailQueue } from '#adapters/mail-queue';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { DunningShardMessageSchema } from '#platforms/canonical';
import { businessMetrics, companyOf, deliveryOf, dunningPolicyOf, log, readBindings, sqsHandler, systemClock } from '#runtime';
import type { ReminderRequest } from '#ports';
import { runDunningShard } from '#use-cases/run-dunning-shard';

const env = readBindings('run-dunning-shard');
const { invoices, customers, payments, disputes, refundRequests, dunning, dunningRuns, paymentPlans } = repositories(env.TABLE_NAME);
export const deps = {
  invoices,
  customers,
  payments,
  disputes,
  refundRequests,
  dunning,
  dunningRuns,
  paymentPlans,
  reminderQueue: sqsOutbox<ReminderRequest>(env.DUNNING_QUEUE_URL),
  clock: systemClock,
  metrics: businessMetrics,
  company: companyOf(env),
  policy: dunningPolicyOf(env.DUNNING_POLICY),
  mail: mailQueue(env.MAIL_QUEUE_URL),
  financeRecipients: env.FINANCE_RECIPIENTS,
};
export const handler = sqsHandler(DunningShardMessageSchema, async (message, record) => {
  const run = await runDunningShard({ ...message, delivery: deliveryOf(record) }, deps);
  log.info('dunning shard done', { ...run });
});
