/** send-reminder: one overdue invoice and level → the reminder in the customer's language and the level's tone, keyed per invoice and level. */
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../../functions/domain/model.ts';
import { sendReminder } from '../../../functions/use-cases/send-reminder.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const INV1 = 'INV-2026-000001';
const AS_OF = '2027-01-21'; // 30 days after the due date 2026-12-22

function overdue(customer: Customer | null = testCustomer('cus_1'), balance?: number) {
  const w = world();
  if (customer) w.putCustomer(customer);
  w.putInvoice(invoiceFor(testOrder('ord_1', 'invoiced'), balance === undefined ? {} : { balance }));
  return w;
}

describe('sendReminder', () => {
  it('queues a friendly first reminder in English under reminder:<number>:<level>', async () => {
    const w = overdue();
    expect(await sendReminder({ invoiceNumber: INV1, level: 1, asOf: '2026-12-23' }, w.deps)).toBe(true);
    expect(w.state.mailbox).toEqual([
      {
        key: `reminder:${INV1}:1`,
        to: ['cus_1@example.com'],
        language: 'en',
        subject: `Friendly reminder: invoice ${INV1} is overdue`,
        text: `Dear Ada Lovelace,\n\nOur records show that invoice ${INV1} for £38.98, due on 2026-12-22, is still open. If you have already paid, please ignore this message; otherwise we would be grateful for payment at your earliest convenience.\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting the payment reference RF94 INV2 0260 0000 1.\n\nKind regards,\nExample Trading Ltd`,
      },
    ]);
  });

  it('asks for the invoice number where an invoice from before payment references has none', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    const { paymentReference: _none, ...old } = invoiceFor(testOrder('ord_1', 'invoiced'));
    w.putInvoice(old);
    await sendReminder({ invoiceNumber: INV1, level: 1, asOf: '2026-12-23' }, w.deps);
    expect(w.state.mailbox[0]?.text).toContain(`Please pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting ${INV1}.`);
  });

  it.each([
    [7, `Second reminder: invoice ${INV1} is 30 days overdue`],
    [14, `Second reminder: invoice ${INV1} is 30 days overdue`],
    [30, `Final notice: invoice ${INV1}`],
    [45, `Final notice: invoice ${INV1}`], // not a configured level: the last level's tone
  ])('takes the tone of level %i', async (level, subject) => {
    const w = overdue();
    await sendReminder({ invoiceNumber: INV1, level, asOf: AS_OF }, w.deps);
    expect(w.state.mailbox[0]).toMatchObject({ key: `reminder:${INV1}:${level}`, subject });
  });

  it('writes in the customer’s language, with the amount still owed', async () => {
    const w = overdue(testCustomer('cus_1', { language: 'sv', name: 'Greta' }), 1898);
    await sendReminder({ invoiceNumber: INV1, level: 30, asOf: AS_OF }, w.deps);
    expect(w.state.mailbox[0]).toMatchObject({ language: 'sv', subject: `Sista påminnelsen: faktura ${INV1}` });
    expect(w.state.mailbox[0]?.text).toContain(`Hej Greta,\n\nTrots tidigare påminnelser är faktura ${INV1} på £18.98, med förfallodag 2026-12-22, fortfarande obetald (30 dagar försenad).`);
  });

  it('sends nothing for an invoice paid meanwhile, and says so in the log', async () => {
    const w = overdue(undefined, 0);
    expect(await sendReminder({ invoiceNumber: INV1, level: 1, asOf: AS_OF }, w.deps)).toBe(false);
    expect(w.state.mailbox).toEqual([]);
    expect(w.state.logged).toEqual([{ message: 'no reminder: invoice settled or unknown', fields: { invoiceNumber: INV1 } }]);
  });

  it('sends nothing for an unknown invoice, or one whose customer o2c has no record of', async () => {
    const w = overdue(null);
    expect(await sendReminder({ invoiceNumber: 'INV-2026-999999', level: 1, asOf: AS_OF }, w.deps)).toBe(false);
    expect(await sendReminder({ invoiceNumber: INV1, level: 1, asOf: AS_OF }, w.deps)).toBe(false);
    expect(w.state.mailbox).toEqual([]);
  });
});
