/**
 * A verified platform webhook, already mapped to o2c's vocabulary (platforms/),
 * is acted on:
 * 1. `order`: accepted (a duplicate is harmless); a `paid` topic for an order
 *    o2c already has marks it paid. The platform's delivery id goes with it
 *    (and with a payment): what tells its retry from another delivery.
 * 2. `cancel`: the order is cancelled (cancel-order).
 * 3. `payment`: queued for apply-payment. 4. `refund`: recorded once.
 * 5. `ping` and topics o2c does not act on are acknowledged, so the platform
 *    stops retrying them.
 */
import type { Platform } from '#domain/model';
import type { Log, OrderDraft, PaymentReport, RefundRecord } from '../ports.ts';
import { acceptOrder, type AcceptOrderDeps } from './accept-order.ts';
import { cancelOrder, type CancelOrderDeps } from './cancel-order.ts';
import { markOrderPaid, type MarkPaidDeps } from './mark-order-paid.ts';
import { receivePayment } from './receive-payment.ts';
import { recordRefund } from './record-refund.ts';
import type { Refunds } from '../ports.ts';

export type PlatformEventInput =
  | { readonly kind: 'order'; readonly topic: string; readonly order: OrderDraft & { readonly platformTotal: number }; readonly paid: boolean; readonly deliveryId?: string }
  | { readonly kind: 'cancel'; readonly topic: string; readonly order: OrderDraft; readonly reason: string }
  | { readonly kind: 'payment'; readonly topic: string; readonly payment: PaymentReport; readonly deliveryId?: string }
  | { readonly kind: 'refund'; readonly topic: string; readonly refund: Omit<RefundRecord, 'platform'> }
  | { readonly kind: 'ignored'; readonly topic: string; readonly reason: string }
  | { readonly kind: 'ping'; readonly topic: string };

export type PlatformEventDeps = AcceptOrderDeps & CancelOrderDeps & MarkPaidDeps & { readonly refunds: Refunds; readonly log: Log };

/** `acted`: o2c did something with it (202); `acknowledged`: nothing to do (200). */
export type PlatformEventResult = { readonly outcome: 'acted' | 'acknowledged'; readonly body: Record<string, unknown> };

export async function receivePlatformEvent(platform: Platform, event: PlatformEventInput, receivedAt: string, deps: PlatformEventDeps): Promise<PlatformEventResult> {
  switch (event.kind) {
    case 'ping':
      return { outcome: 'acknowledged', body: { ok: true } };
    case 'ignored':
      deps.log.info('webhook ignored', { platform, topic: event.topic, reason: event.reason });
      return { outcome: 'acknowledged', body: { ignored: event.reason, topic: event.topic } };
    case 'order': {
      const accepted = await acceptOrder({ draft: event.order, platform, receivedAt, ...(event.deliveryId ? { deliveryId: event.deliveryId } : {}) }, deps);
      if (event.paid && !accepted.created) {
        const { externalId, platformTotal: amount, currency } = event.order;
        await markOrderPaid({ orderId: accepted.orderId, platform, externalId, amount, currency }, deps);
      }
      return { outcome: 'acted', body: { orderId: accepted.orderId, duplicate: !accepted.created } };
    }
    case 'cancel': {
      const { orderId } = await cancelOrder({ draft: event.order, platform, reason: event.reason, receivedAt }, deps);
      return { outcome: 'acted', body: { orderId, cancelled: true } };
    }
    case 'payment':
      return { outcome: 'acted', body: await receivePayment(event.payment, deps, event.deliveryId ?? receivedAt) };
    case 'refund':
      await recordRefund({ platform, ...event.refund }, deps);
      return { outcome: 'acted', body: { refund: event.refund.externalId } };
  }
}
