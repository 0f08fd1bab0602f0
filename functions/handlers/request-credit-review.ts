/**
 * request-credit-review: an order is on credit hold; the workflow waits on a
 * task token until finance decides.
 * 1. Keep the token with the order, for decide-credit to answer.
 * 2. Email finance what to decide and where to post the decision.
 */
import * as z from 'zod/mini';
import { WaitMessage } from '#platforms/canonical';
import { formatMoney } from '#domain/money';
import { orderReference, renderMessage } from '#messages';
import { enqueueMail } from '#adapters/mail-queue';
import { requireOrder } from '#adapters/orders';
import { storeTaskToken } from '#adapters/workflow';
import { envList, sqsHandler } from '#runtime';


const finance = envList('FINANCE_RECIPIENTS');

export async function requestCreditReview({ orderId, taskToken }: z.infer<typeof WaitMessage>): Promise<void> {
  const order = await requireOrder(orderId);
  await storeTaskToken(orderId, 'credit-review', taskToken);
  const message = renderMessage('credit-review-request', 'en', {
    orderId,
    orderReference: orderReference(order),
    platform: order.source.platform,
    platformReference: order.source.reference ?? order.source.externalId,
    total: formatMoney({ amount: order.totals.total, currency: order.currency }),
    reason: order.reason ?? null,
  });
  await enqueueMail({
    key: `credit-review:${orderId}`,
    to: finance,
    subject: message.subject,
    text: message.text,
  });
}

export const handler = sqsHandler(WaitMessage, requestCreditReview);
