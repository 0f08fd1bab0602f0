/**
 * Every email a use case sends a customer is in the customer's language (the
 * catalogue's own tests check the texts; this checks the use cases pick them):
 * a Japanese buyer's confirmation, shipping notice, invoice, rejection and
 * reminder are Japanese, tagged `ja`, and still carry the figures.
 */
import { describe, expect, it } from 'vitest';
import { confirmOrder } from '../../../functions/use-cases/confirm-order.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { rejectOrder } from '../../../functions/use-cases/reject-order.ts';
import { sendReminder } from '../../../functions/use-cases/send-reminder.ts';
import { shipOrder } from '../../../functions/use-cases/ship-order.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { world } from './fixtures.ts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('customer emails in the customer language', () => {
  it('confirms, ships, invoices and reminds a Japanese customer in Japanese, with the amounts in the text', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1', { language: 'ja', name: '東京トレーディング株式会社' }));
    w.putOrder(testOrder('ord_1', 'approved'));
    await confirmOrder({ orderId: 'ord_1' }, w.deps);
    w.putOrder({ ...testOrder('ord_1', 'fulfilling'), version: 5 });
    await shipOrder({ orderId: 'ord_1', shipment: { carrier: 'Yamato', service: 'TA-Q-BIN', trackingNumber: 'YT123', shippedAt: '2026-11-22T09:00:00Z' } }, w.deps);
    const { invoiceNumber } = await issueInvoice({ orderId: 'ord_1' }, w.deps);
    w.clock.set('2027-01-05T09:00:00Z');
    expect(await sendReminder({ customerId: 'cus_1', currency: 'GBP', asOf: '2027-01-05', items: [{ invoiceNumber, level: 'firm' }], earlierReminder: true, key: `dunning:cus_1:${invoiceNumber}:firm` }, w.deps)).toBe(true);

    const mails = w.state.mailbox;
    expect(mails.map((m) => m.key)).toEqual(['order-confirmed:ord_1', 'order-shipped:ord_1', `invoice:${invoiceNumber}`, `dunning:cus_1:${invoiceNumber}:firm`]);
    for (const m of mails) {
      expect(m.language, m.key).toBe('ja');
      expect(m.subject, m.key).toMatch(JAPANESE);
      expect(m.text, m.key).toContain('東京トレーディング株式会社');
    }
    expect(mails[0]!.text).toContain('£38.98');
    expect(mails[1]!.text).toContain('YT123');
    expect(mails[2]!.subject).toContain(invoiceNumber);
    expect(mails[2]!.attachments?.[0]?.filename).toBe(`${invoiceNumber}.pdf`);
  });

  it('tells a Russian customer in Russian that the order was rejected; an unknown language falls back to English', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1', { language: 'ru' }));
    w.putOrder(testOrder('ord_1', 'validated'));
    await rejectOrder({ orderId: 'ord_1', credit: { reason: 'over credit limit' } }, w.deps);
    expect(w.state.mailbox[0]).toMatchObject({ key: 'order-rejected:ord_1', language: 'ru' });
    expect(w.state.mailbox[0]!.subject).toMatch(/[\u0400-\u04ff]/);

    const v = world();
    v.putCustomer(testCustomer('cus_1', { language: 'xx' as never }));
    v.putOrder(testOrder('ord_1', 'approved'));
    await confirmOrder({ orderId: 'ord_1' }, v.deps);
    expect(v.state.mailbox[0]).toMatchObject({ language: 'en', subject: 'Order confirmed: PO-ord_1' });
  });
});
