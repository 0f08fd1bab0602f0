import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DunningTone } from '../../../functions/domain/dunning.ts';
import { formatMoney } from '../../../functions/domain/money.ts';
import type { Language } from '../../../functions/domain/model.ts';
import {
  CATALOGUES,
  orderReference,
  renderMessage,
  type Catalogue,
  type MessageKind,
  type MessageVars,
  type RenderedMessage,
} from '../../../functions/messages/index.ts';

const LANGUAGES: Language[] = ['en', 'sv', 'zh', 'ja', 'ru'];
const TONES: DunningTone[] = ['courtesy', 'reminder', 'firm', 'final'];

const confirmed: MessageVars['order-confirmed'] = {
  customerName: 'Ada Lovelace',
  orderReference: '#1042',
  lines: [
    { quantity: 2, description: 'Stoneware mug', sku: 'MUG-01', amount: '£25.00' },
    { quantity: 1, description: 'Tea towel', sku: 'TT-3', amount: '£4.50' },
  ],
  total: '£35.40',
  tax: '£5.90',
  companyName: 'Example Trading Ltd',
};
const shipped: MessageVars['order-shipped'] = {
  customerName: 'Ada Lovelace',
  orderReference: '#1042',
  shippedOn: '2026-11-23',
  carrier: 'Royal Mail',
  service: 'Tracked 48',
  trackingNumber: 'RM123456785GB',
  companyName: 'Example Trading Ltd',
};
const payment: MessageVars['invoice-issued'] extends infer V ? (V extends { payment: infer P } ? P : never) : never = { reference: 'RF54 INV2 0260 0004 2', iban: 'GB62 DEMO 0000 0012 3456 78', bic: 'DEMOGB22', bankName: 'Demo Bank' };
const invoiceBase = { customerName: 'Ada Lovelace', invoiceNumber: 'INV-2026-000042', orderReference: '#1042', total: '£35.40', companyName: 'Example Trading Ltd' };
const invoiceDue: MessageVars['invoice-issued'] = { ...invoiceBase, form: 'balance-due', dueDate: '2026-12-23', terms: { netDays: 30, discount: { ratePpm: 20_000, days: 10 } }, earlyPayment: { amount: '£34.69', until: '2026-12-03' }, payment };
const invoiceNet: MessageVars['invoice-issued'] = { ...invoiceBase, form: 'balance-due', dueDate: '2026-12-23', terms: { netDays: 30 }, earlyPayment: null, payment: { ...payment, reference: null, bankName: null } };
const invoicePaid: MessageVars['invoice-issued'] = { ...invoiceBase, form: 'paid' };
const creditNote: MessageVars['credit-note-issued'] = {
  customerName: 'Ada Lovelace',
  creditNoteNumber: 'CN-2026-000001',
  invoiceNumber: 'INV-2026-000042',
  total: '£12.00',
  reason: 'one mug arrived broken',
  balance: '£23.40',
  customerCredit: null,
  companyName: 'Example Trading Ltd',
};
const rejected: MessageVars['order-rejected'] = { customerName: 'Ada Lovelace', orderReference: '#1042', reason: { kind: 'out-of-stock' }, companyName: 'Example Trading Ltd', refunded: false };
const letter = (tone: DunningTone, extra: Partial<MessageVars['dunning-letter']> = {}): MessageVars['dunning-letter'] => ({
  tone,
  customerName: 'Ada Lovelace',
  companyName: 'Acme Ltd',
  lines: [
    { invoiceNumber: 'INV-2026-000042', dueDate: '2026-11-01', daysOverdue: tone === 'courtesy' ? -3 : 30, amount: '£52.34', fee: tone === 'courtesy' ? null : '£40.00', disputed: null, reference: 'RF54 INV2 0260 0004 2' },
    { invoiceNumber: 'INV-2026-000043', dueDate: '2026-11-05', daysOverdue: tone === 'courtesy' ? 0 : 26, amount: '£7.50', fee: null, disputed: '£5.00', reference: 'RF27 INV2 0260 0004 3' },
  ],
  total: '£59.84',
  netted: null,
  earlierReminder: false,
  action: null,
  escalation: null,
  payment: { iban: 'GB62 DEMO 0000 0012 3456 78', bic: 'DEMOGB22', bankName: 'Demo Bank' },
  ...extra,
});
const review: MessageVars['credit-review-request'] = {
  orderId: 'ord_7Hq2',
  orderReference: '#1042',
  platform: 'shopify',
  platformReference: '#1042',
  total: '£225.00',
  reason: 'over the credit limit by £25.00',
};

const refunded: MessageVars['refund-issued'] = { customerName: 'Ada Lovelace', orderReference: '#1042', amount: '£38.98', reason: null, creditNoteNumber: null, companyName: 'Example Trading Ltd' };
const attention: MessageVars['refund-attention'] = {
  form: 'owed',
  refundId: 'rf_1a2b',
  orderId: 'ord_7Hq2',
  orderReference: '#1042',
  platform: 'shopify',
  paymentReference: 'pi_3Qx1',
  amount: '£38.98',
  reason: 'customer changed their mind',
  note: 'o2c does not refund on shopify itself',
};
/** Finance reads English: these are never translated. */
const FINANCE_KINDS = new Set<MessageKind>(['credit-review-request', 'refund-attention', 'collections-handover']);

/** Every kind, in every form and tone, with its vars. */
type Case = { [K in MessageKind]: { name: string; kind: K; vars: MessageVars[K] } }[MessageKind];
const CASES: Case[] = [
  { name: 'order-confirmed', kind: 'order-confirmed', vars: confirmed },
  { name: 'order-shipped', kind: 'order-shipped', vars: shipped },
  { name: 'invoice-issued, balance due with early-payment discount', kind: 'invoice-issued', vars: invoiceDue },
  { name: 'invoice-issued, balance due, no order reference', kind: 'invoice-issued', vars: { ...invoiceNet, orderReference: null } },
  { name: 'invoice-issued, paid at checkout', kind: 'invoice-issued', vars: invoicePaid },
  { name: 'order-rejected', kind: 'order-rejected', vars: rejected },
  { name: 'order-rejected, paid at checkout', kind: 'order-rejected', vars: { ...rejected, refunded: true } },
  { name: 'credit-note-issued, balance left', kind: 'credit-note-issued', vars: creditNote },
  { name: 'credit-note-issued, customer credit', kind: 'credit-note-issued', vars: { ...creditNote, balance: '£0.00', customerCredit: '£12.00' } },
  ...TONES.map((tone): Case => ({ name: `dunning-letter, ${tone}`, kind: 'dunning-letter', vars: letter(tone) })),
  { name: 'dunning-letter, final after reminders, netted, credit hold done, agency announced', kind: 'dunning-letter', vars: letter('final', { earlierReminder: true, netted: '£10.00', action: 'credit-hold', escalation: { action: 'hand-to-agency', on: '2027-01-30' } }) },
  { name: 'dunning-letter, firm, suspension announced', kind: 'dunning-letter', vars: letter('firm', { escalation: { action: 'suspend', on: '2027-01-05' } }) },
  { name: 'dunning-letter, final, handed to the agency', kind: 'dunning-letter', vars: letter('final', { earlierReminder: true, action: 'hand-to-agency' }) },
  { name: 'collections-handover', kind: 'collections-handover', vars: { companyName: 'Acme Ltd', customerName: 'Slow Payer Ltd', customerEmail: 'ap@slow.example', total: '£1,234.50', invoices: 3, asOf: '2027-01-30' } },
  { name: 'credit-review-request', kind: 'credit-review-request', vars: review },
  { name: 'refund-issued', kind: 'refund-issued', vars: refunded },
  { name: 'refund-issued, of a credit note', kind: 'refund-issued', vars: { ...refunded, reason: 'cancelled on stripe: arrived broken', creditNoteNumber: 'CN-2026-000003' } },
  { name: 'refund-attention, owed', kind: 'refund-attention', vars: attention },
  { name: 'refund-attention, failed', kind: 'refund-attention', vars: { ...attention, form: 'failed', platform: 'stripe', note: 'Charge ch_1 has already been refunded.' } },
  { name: 'shipment-sent, more to follow', kind: 'shipment-sent', vars: { ...shipped, lines: [{ quantity: 1, description: 'Stoneware mug' }], toFollow: [{ quantity: 2, description: 'Tea towel' }] } },
  { name: 'shipment-sent, the last parcel', kind: 'shipment-sent', vars: { ...shipped, lines: [{ quantity: 2, description: 'Tea towel' }], toFollow: [] } },
  { name: 'order-backordered', kind: 'order-backordered', vars: { customerName: 'Ada Lovelace', orderReference: '#1042', shipsNow: [{ quantity: 2, description: 'Stoneware mug' }], later: [{ quantity: 1, description: 'Tea towel' }], companyName: 'Example Trading Ltd' } },
];

const render = (c: Case, language: string): RenderedMessage => renderMessage(c.kind, language, c.vars as never);

/** Known answers, per case: [subject, text] as the handlers (and domain/dunning) wrote them before the catalogue. */
const ENGLISH: Readonly<Record<string, readonly [string, string]>> = {
  'order-confirmed': [
    'Order confirmed: #1042',
    'Dear Ada Lovelace,\n\nthank you for your order #1042. We have confirmed it and will let you know when it ships.\n\n' +
      '  2 × Stoneware mug (MUG-01)  £25.00\n  1 × Tea towel (TT-3)  £4.50\n\nTotal £35.40 (including tax £5.90)\n\nExample Trading Ltd',
  ],
  'order-shipped': [
    'Your order #1042 has shipped',
    'Dear Ada Lovelace,\n\nyour order #1042 left our warehouse on 2026-11-23 with Royal Mail (Tracked 48).\nTracking number: RM123456785GB\n\nExample Trading Ltd',
  ],
  'invoice-issued, balance due with early-payment discount': [
    'Invoice INV-2026-000042 (your order #1042) from Example Trading Ltd',
    'Dear Ada Lovelace,\n\nplease find attached invoice INV-2026-000042 (your order #1042) for £35.40, due on 2026-12-23 (2/10 net 30). ' +
      'Pay £34.69 by 2026-12-03 to take the early-payment discount.\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting the payment reference RF54 INV2 0260 0004 2.\n\nExample Trading Ltd',
  ],
  'invoice-issued, balance due, no order reference': [
    'Invoice INV-2026-000042 from Example Trading Ltd',
    'Dear Ada Lovelace,\n\nplease find attached invoice INV-2026-000042 for £35.40, due on 2026-12-23 (Net 30).\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22, quoting INV-2026-000042.\n\nExample Trading Ltd',
  ],
  'invoice-issued, paid at checkout': [
    'Invoice INV-2026-000042 (your order #1042) from Example Trading Ltd',
    'Dear Ada Lovelace,\n\nplease find attached invoice INV-2026-000042 (your order #1042) for £35.40, paid at checkout: nothing is due.\n\nExample Trading Ltd',
  ],
  'order-rejected': [
    'We cannot fulfil your order #1042',
    'Dear Ada Lovelace,\n\nwe are sorry: we cannot go ahead with your order #1042 (some items stayed out of stock for too long). ' +
      'Nothing has been charged on account. Please contact us if you have questions.\n\nExample Trading Ltd',
  ],
  'order-rejected, paid at checkout': [
    'We cannot fulfil your order #1042',
    'Dear Ada Lovelace,\n\nwe are sorry: we cannot go ahead with your order #1042 (some items stayed out of stock for too long). ' +
      'What you paid will be refunded to the card or account you paid with; we will write again when it is on its way. Please contact us if you have questions.\n\nExample Trading Ltd',
  ],
  'credit-note-issued, balance left': [
    'Credit note CN-2026-000001 for invoice INV-2026-000042 from Example Trading Ltd',
    'Dear Ada Lovelace,\n\nplease find attached credit note CN-2026-000001 for £12.00 on invoice INV-2026-000042 (one mug arrived broken). The amount still due on the invoice is £23.40.\n\nExample Trading Ltd',
  ],
  'credit-note-issued, customer credit': [
    'Credit note CN-2026-000001 for invoice INV-2026-000042 from Example Trading Ltd',
    'Dear Ada Lovelace,\n\nplease find attached credit note CN-2026-000001 for £12.00 on invoice INV-2026-000042 (one mug arrived broken). The amount still due on the invoice is £0.00. As it was already paid, £12.00 is credit in your favour, which we will refund or set against your next invoice.\n\nExample Trading Ltd',
  ],
  'credit-review-request': [
    'Credit review needed: order #1042 (£225.00)',
    'Order ord_7Hq2 (shopify #1042) for £225.00 is on credit hold: over the credit limit by £25.00.\n\n' +
      'Decide with POST /finance/orders/ord_7Hq2/credit-decision, or the CLI:\n' +
      '  approve this order only            npm run o2c -- credit decide ord_7Hq2 approve\n' +
      '  approve it and later orders        npm run o2c -- credit decide ord_7Hq2 approve --up-to <exposure> --until <YYYY-MM-DD>\n' +
      '  reject (the customer is told why)  npm run o2c -- credit decide ord_7Hq2 reject --reason credit-limit|overdue-balance|credit-history|prepayment-required\n' +
      '  see it all again                   npm run o2c -- credit show ord_7Hq2',
  ],
  'refund-issued': [
    'Refund of £38.98 for your order #1042',
    'Dear Ada Lovelace,\n\nwe have refunded £38.98 for your order #1042 (the order was cancelled or could not be fulfilled). It goes back to the card or account you paid with; depending on your bank it can take 5–10 working days to appear.\n\nExample Trading Ltd',
  ],
  'refund-issued, of a credit note': [
    'Refund of £38.98 for your order #1042',
    'Dear Ada Lovelace,\n\nwe have refunded £38.98 for your order #1042 (cancelled on stripe: arrived broken), as stated on credit note CN-2026-000003. It goes back to the card or account you paid with; depending on your bank it can take 5–10 working days to appear.\n\nExample Trading Ltd',
  ],
  'refund-attention, owed': [
    'Refund owed: £38.98 for order #1042 (shopify)',
    'o2c owes £38.98 back on order ord_7Hq2 (shopify #1042) but cannot refund it there itself: o2c does not refund on shopify itself. Please refund it on shopify or by bank.\n\n' +
      'Refund rf_1a2b: customer changed their mind. Payment: pi_3Qx1.\nListed with: GET /finance/refunds?status=owed  (o2c refunds --status owed)',
  ],
  'refund-attention, failed': [
    'Refund failed: £38.98 for order #1042 (stripe)',
    'Stripe refused the refund of £38.98 on order ord_7Hq2 (#1042): Charge ch_1 has already been refunded. Please check the payment in Stripe and refund it by hand if it is still owed.\n\n' +
      'Refund rf_1a2b: customer changed their mind. Payment: pi_3Qx1.\nListed with: GET /finance/refunds?status=failed  (o2c refunds --status failed)',
  ],
  'dunning-letter, courtesy': [
    'Coming due: INV-2026-000042, INV-2026-000043',
    'Dear Ada Lovelace,\n\nA friendly note that the invoices below fall due soon. If you have already arranged payment, thank you, and please ignore this message.\n\n' +
      '  INV-2026-000042, due 2026-11-01, due in 3 days: £52.34, reference RF54 INV2 0260 0004 2\n  INV-2026-000043, due 2026-11-05, due today: £7.50 (£5.00 under dispute is not asked for), reference RF27 INV2 0260 0004 3\n\n' +
      "Total to pay £59.84.\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting each invoice's reference.\nYour statement of account is attached.\n\nKind regards,\nAcme Ltd",
  ],
  'dunning-letter, reminder': [
    'Payment reminder: INV-2026-000042, INV-2026-000043',
    'Dear Ada Lovelace,\n\nOur records show that the invoices below are overdue. If you have already paid, please ignore this message; otherwise we would be grateful for payment soon.\n\n' +
      '  INV-2026-000042, due 2026-11-01, 30 days overdue: £52.34 (including late-payment fees £40.00), reference RF54 INV2 0260 0004 2\n  INV-2026-000043, due 2026-11-05, 26 days overdue: £7.50 (£5.00 under dispute is not asked for), reference RF27 INV2 0260 0004 3\n\n' +
      "Total to pay £59.84.\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting each invoice's reference.\nYour statement of account is attached.\n\nKind regards,\nAcme Ltd",
  ],
  'dunning-letter, firm': [
    'Overdue payment: INV-2026-000042, INV-2026-000043',
    'Dear Ada Lovelace,\n\nThe invoices below remain unpaid. Please arrange payment within 7 days, or contact us if there is a problem with an invoice.\n\n' +
      '  INV-2026-000042, due 2026-11-01, 30 days overdue: £52.34 (including late-payment fees £40.00), reference RF54 INV2 0260 0004 2\n  INV-2026-000043, due 2026-11-05, 26 days overdue: £7.50 (£5.00 under dispute is not asked for), reference RF27 INV2 0260 0004 3\n\n' +
      "Total to pay £59.84.\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting each invoice's reference.\nYour statement of account is attached.\n\nRegards,\nAcme Ltd",
  ],
  'dunning-letter, final': [
    'Final notice: INV-2026-000042, INV-2026-000043',
    'Dear Ada Lovelace,\n\nThe invoices below remain unpaid. This is our final notice before we take further steps.\n\n' +
      '  INV-2026-000042, due 2026-11-01, 30 days overdue: £52.34 (including late-payment fees £40.00), reference RF54 INV2 0260 0004 2\n  INV-2026-000043, due 2026-11-05, 26 days overdue: £7.50 (£5.00 under dispute is not asked for), reference RF27 INV2 0260 0004 3\n\n' +
      "Total to pay £59.84.\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting each invoice's reference.\nYour statement of account is attached.\n\nRegards,\nAcme Ltd",
  ],
  'dunning-letter, final after reminders, netted, credit hold done, agency announced': [
    'Final notice: INV-2026-000042, INV-2026-000043',
    'Dear Ada Lovelace,\n\nDespite our earlier reminders, the invoices below remain unpaid. This is our final notice before we take further steps.\n\n' +
      '  INV-2026-000042, due 2026-11-01, 30 days overdue: £52.34 (including late-payment fees £40.00), reference RF54 INV2 0260 0004 2\n  INV-2026-000043, due 2026-11-05, 26 days overdue: £7.50 (£5.00 under dispute is not asked for), reference RF27 INV2 0260 0004 3\n\n' +
      'Total to pay £59.84 (after setting off £10.00 of payments not yet applied and credit in your favour).\n' +
      'Your account is now on credit hold: new orders on account are held for review until the overdue balance is paid.\n' +
      'If the overdue balance is still unpaid on 2027-01-30, we will pass the debt to our collection agency.\n' +
      "Please pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting each invoice's reference.\nYour statement of account is attached.\n\nRegards,\nAcme Ltd",
  ],
  'dunning-letter, firm, suspension announced': [
    'Overdue payment: INV-2026-000042, INV-2026-000043',
    'Dear Ada Lovelace,\n\nThe invoices below remain unpaid. Please arrange payment within 7 days, or contact us if there is a problem with an invoice.\n\n' +
      '  INV-2026-000042, due 2026-11-01, 30 days overdue: £52.34 (including late-payment fees £40.00), reference RF54 INV2 0260 0004 2\n  INV-2026-000043, due 2026-11-05, 26 days overdue: £7.50 (£5.00 under dispute is not asked for), reference RF27 INV2 0260 0004 3\n\n' +
      'Total to pay £59.84.\nIf the overdue balance is still unpaid on 2027-01-05, we will suspend your account.\n' +
      "Please pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting each invoice's reference.\nYour statement of account is attached.\n\nRegards,\nAcme Ltd",
  ],
  'dunning-letter, final, handed to the agency': [
    'Final notice: INV-2026-000042, INV-2026-000043',
    'Dear Ada Lovelace,\n\nDespite our earlier reminders, the invoices below remain unpaid. This is our final notice before we take further steps.\n\n' +
      '  INV-2026-000042, due 2026-11-01, 30 days overdue: £52.34 (including late-payment fees £40.00), reference RF54 INV2 0260 0004 2\n  INV-2026-000043, due 2026-11-05, 26 days overdue: £7.50 (£5.00 under dispute is not asked for), reference RF27 INV2 0260 0004 3\n\n' +
      'Total to pay £59.84.\nWe have passed the overdue balance to our collection agency, who will contact you; we will send no further reminders.\n' +
      "Please pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting each invoice's reference.\nYour statement of account is attached.\n\nRegards,\nAcme Ltd",
  ],
  'collections-handover': [
    'New collections case from Acme Ltd: Slow Payer Ltd (£1,234.50)',
    "Acme Ltd passes you the debt of Slow Payer Ltd <ap@slow.example>: £1,234.50 overdue on 3 invoice(s) as of 2027-01-30.\n\nThe attached CSV lists every open item (number, dates, amounts, fees, payment reference) and the debtor's contact details. We have told the debtor and will send them no further reminders.",
  ],
  'shipment-sent, more to follow': [
    'Part of your order #1042 has shipped',
    'Dear Ada Lovelace,\n\na parcel of your order #1042 left our warehouse on 2026-11-23 with Royal Mail (Tracked 48).\nTracking number: RM123456785GB\n\nIn this parcel:\n  1 × Stoneware mug\n\nStill to follow:\n  2 × Tea towel\n\nExample Trading Ltd',
  ],
  'shipment-sent, the last parcel': [
    'Your order #1042 has shipped',
    'Dear Ada Lovelace,\n\na parcel of your order #1042 left our warehouse on 2026-11-23 with Royal Mail (Tracked 48).\nTracking number: RM123456785GB\n\nIn this parcel:\n  2 × Tea towel\n\nThis completes your order.\n\nExample Trading Ltd',
  ],
  'order-backordered': [
    'Part of your order #1042 is on backorder',
    'Dear Ada Lovelace,\n\nthank you for your order #1042. Not all of it is in stock today.\n\nShips now:\n  2 × Stoneware mug\n\nFollows as soon as it is back in stock:\n  1 × Tea towel\n\nIf you would rather not wait for these items, reply to this email and we will cancel them; anything you paid for them is refunded.\n\nExample Trading Ltd',
  ],
};

/** Every string among the vars, however deep (lines, early payment). */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => (k === 'form' || k === 'tone' || k === 'action' || k === 'kind' ? [] : strings(x)));
  return [];
}

/** What a template leaves when a var is missing or not a string: `undefined`, `[object Object]`, an unfilled `${…}`, `()`, `Label: ` at a line end. */
const LEFTOVER = /undefined|null|NaN|\[object|\$\{|\{\{|\(\s*\)|（\s*）|[:：][ \t]+$/m;

describe('message catalogue', () => {
  it('renders every kind in every language, with every var filled in and nothing left over', () => {
    for (const lang of LANGUAGES) {
      for (const c of CASES) {
        const m = render(c, lang);
        expect(m.language, `${lang} ${c.name}`).toBe(FINANCE_KINDS.has(c.kind) ? 'en' : lang);
        expect(m.subject.trim(), `${lang} ${c.name}`).not.toBe('');
        expect(m.text.trim(), `${lang} ${c.name}`).not.toBe('');
        expect(m.subject, `${lang} ${c.name}`).not.toMatch(/\n/);
        expect(m.subject, `${lang} ${c.name}`).not.toMatch(LEFTOVER);
        expect(m.text, `${lang} ${c.name}`).not.toMatch(LEFTOVER);
        for (const s of strings(c.vars)) expect(`${m.subject}\n${m.text}`, `${lang} ${c.name}: ${s}`).toContain(s);
      }
    }
  });

  it('has a translation of its own for every customer message in every language', () => {
    for (const c of CASES.filter((k) => !FINANCE_KINDS.has(k.kind))) {
      const texts = LANGUAGES.map((lang) => render(c, lang));
      expect(new Set(texts.map((t) => t.subject)).size, c.name).toBe(LANGUAGES.length);
      expect(new Set(texts.map((t) => t.text)).size, c.name).toBe(LANGUAGES.length);
    }
    expect(Object.keys(CATALOGUES).sort()).toEqual([...LANGUAGES].sort());
  });

  it('writes the English texts the handlers and dunning have always sent', () => {
    expect(Object.keys(ENGLISH).sort()).toEqual(CASES.map((c) => c.name).sort());
    for (const c of CASES) {
      const [subject, text] = ENGLISH[c.name]!;
      expect(render(c, 'en'), c.name).toEqual({ language: 'en', subject, text });
    }
    expect(renderMessage('credit-review-request', 'en', { ...review, reason: null }).text).toMatch(/is on credit hold: needs review\.\n/);
  });

  it('speaks the customer language in every dunning tone, with the facts filled in, and mentions earlier reminders only when told so', () => {
    const texts = new Set<string>();
    for (const lang of LANGUAGES) {
      for (const tone of TONES) {
        const t = renderMessage('dunning-letter', lang, letter(tone));
        expect(t.language).toBe(lang);
        expect(t.subject).toContain('INV-2026-000042');
        for (const v of ['Ada Lovelace', 'INV-2026-000042', 'INV-2026-000043', '£52.34', '£59.84', 'Acme Ltd']) expect(t.text).toContain(v);
        if (tone !== 'courtesy') expect(t.text).toContain('30');
        texts.add(t.text);
        const after = renderMessage('dunning-letter', lang, letter(tone, { earlierReminder: true })).text;
        if (tone !== 'courtesy') expect(after, `${lang} ${tone}`).not.toBe(t.text);
      }
    }
    expect(texts.size).toBe(20);
    expect(renderMessage('dunning-letter', 'en', letter('final')).text).not.toMatch(/despite/i);
    expect(renderMessage('dunning-letter', 'sv', letter('final')).text).not.toMatch(/trots/i);
    expect(renderMessage('dunning-letter', 'ru', letter('final')).subject).toMatch(/^Последнее уведомление/);
    expect(renderMessage('dunning-letter', 'ja', letter('courtesy')).text).toMatch(/^Ada Lovelace 様/);
    expect(renderMessage('dunning-letter', 'zh', letter('firm')).text).toContain('逾期 30 天');
  });

  it('says where to pay and which reference to quote in every language: invoice with a balance and every reminder, not the paid invoice', () => {
    for (const lang of LANGUAGES) {
      const due = renderMessage('invoice-issued', lang, invoiceDue).text;
      for (const s of ['RF54 INV2 0260 0004 2', 'GB62 DEMO 0000 0012 3456 78', 'DEMOGB22', 'Demo Bank']) expect(due, `${lang} ${s}`).toContain(s);
      const net = renderMessage('invoice-issued', lang, invoiceNet).text;
      expect(net, lang).toContain('GB62 DEMO 0000 0012 3456 78');
      expect(net, lang).not.toContain('RF54');
      expect(net.split('INV-2026-000042').length - 1, `${lang}: without a reference the number is what to quote`).toBeGreaterThanOrEqual(2);
      const paid = renderMessage('invoice-issued', lang, invoicePaid).text;
      for (const s of ['RF54', 'IBAN', 'DEMOGB22']) expect(paid, `${lang} paid`).not.toContain(s);
      for (const tone of TONES) {
        const t = renderMessage('dunning-letter', lang, letter(tone)).text;
        for (const s of ['RF54 INV2 0260 0004 2', 'RF27 INV2 0260 0004 3', 'GB62 DEMO 0000 0012 3456 78', 'DEMOGB22']) expect(t, `${lang} ${tone} ${s}`).toContain(s);
      }
    }
  });

  it('confirms an order in Japanese, Russian, Chinese and Swedish with the formatted amounts and the order reference', () => {
    const cases: [Language, string, RegExp][] = [
      ['ja', 'JPY', /^花子 山田 様\n/],
      ['ru', 'RUB', /^Уважаемый\(ая\) /],
      ['zh', 'CNY', /^尊敬的 /],
      ['sv', 'SEK', /^Hej /],
    ];
    for (const [lang, currency, greeting] of cases) {
      const money = (amount: number) => formatMoney({ amount, currency });
      const vars = {
        ...confirmed,
        customerName: lang === 'ja' ? '花子 山田' : confirmed.customerName,
        lines: [{ quantity: 3, description: 'Stoneware mug', sku: 'MUG-01', amount: money(600_000) }],
        total: money(728_000),
        tax: money(128_000),
      };
      const m = renderMessage('order-confirmed', lang, vars);
      expect(m.language).toBe(lang);
      expect(m.subject).toContain('#1042');
      expect(m.text).toMatch(greeting);
      for (const s of ['#1042', money(728_000), money(128_000), money(600_000), 'MUG-01', 'Stoneware mug', 'Example Trading Ltd']) expect(m.text).toContain(s);
    }
  });

  it('falls back to English for a language without a catalogue; finance always reads English', () => {
    for (const lang of ['de', '', 'EN', 'toString', '__proto__', 'constructor']) {
      for (const c of CASES) expect(render(c, lang), `${JSON.stringify(lang)} ${c.name}`).toEqual(render(c, 'en'));
    }
    expect(renderMessage('credit-review-request', 'ja', review)).toEqual(renderMessage('credit-review-request', 'en', review));
  });

  it('names an order by its platform reference, else by its id', () => {
    expect(orderReference({ id: 'ord_1', source: { reference: '#1042' } })).toBe('#1042');
    expect(orderReference({ id: 'ord_1', source: {} })).toBe('ord_1');
  });

  it('property: any var strings render without throwing and appear verbatim', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('', ' ', '\n', '$&', "$'", '${customerName}', 'undefined', '花子 山田', 'Ёлка', '👩🏽‍💻', '\u200b', 'Å'),
    );
    const anyVars = fc.record({
      a: text, b: text, c: text, d: text, e: text, f: text, g: text,
      lines: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 999 }), description: text, sku: text, amount: text }), { maxLength: 3 }),
      early: fc.option(fc.record({ amount: text, until: text })),
      days: fc.integer({ min: 0, max: 10_000 }),
      tone: fc.constantFrom(...TONES),
      flag: fc.boolean(),
      lang: fc.constantFrom<string>(...LANGUAGES, 'de'),
      nullable: fc.option(text),
      pay: fc.record({ reference: fc.option(text), iban: text, bic: text, bankName: fc.option(text) }),
    });
    fc.assert(
      fc.property(anyVars, (x) => {
        const cases: Case[] = [
          { name: 'confirmed', kind: 'order-confirmed', vars: { customerName: x.a, orderReference: x.b, lines: x.lines, total: x.c, tax: x.d, companyName: x.e } },
          { name: 'shipped', kind: 'order-shipped', vars: { customerName: x.a, orderReference: x.b, shippedOn: x.c, carrier: x.d, service: x.e, trackingNumber: x.f, companyName: x.g } },
          { name: 'due', kind: 'invoice-issued', vars: { form: 'balance-due', customerName: x.a, invoiceNumber: x.b, orderReference: x.nullable, total: x.c, companyName: x.d, dueDate: x.e, terms: { netDays: x.days }, earlyPayment: x.early, payment: x.pay } },
          { name: 'paid', kind: 'invoice-issued', vars: { form: 'paid', customerName: x.a, invoiceNumber: x.b, orderReference: x.nullable, total: x.c, companyName: x.d } },
          { name: 'rejected', kind: 'order-rejected', vars: { customerName: x.a, orderReference: x.b, reason: { kind: 'catalog', problems: [{ kind: 'other-price', item: { description: x.e, sku: x.f }, unitPrice: x.c }] }, companyName: x.d, refunded: x.flag } },
          { name: 'letter', kind: 'dunning-letter', vars: { tone: x.tone, customerName: x.a, companyName: x.e, lines: [{ invoiceNumber: x.b, dueDate: x.d, daysOverdue: x.days, amount: x.c, fee: x.nullable, disputed: x.nullable, reference: x.f }], total: x.g, netted: x.nullable, earlierReminder: x.flag, action: null, escalation: null, payment: { iban: x.pay.iban, bic: x.pay.bic, bankName: x.pay.bankName } } },
          { name: 'review', kind: 'credit-review-request', vars: { orderId: x.a, orderReference: x.b, platform: x.c, platformReference: x.d, total: x.e, reason: x.nullable } },
        ];
        for (const c of cases) {
          const m = render(c, x.lang);
          const all = `${m.subject}\n${m.text}`;
          for (const s of strings(c.vars)) expect(all).toContain(s);
          if (c.kind === 'dunning-letter' && x.days > 0) expect(all).toContain(String(x.days));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is typed: a missing var, a wrong form or a catalogue without a kind does not compile', () => {
    // Checked by tsc in `npm test`; never run.
    const typeChecks = () => {
      // @ts-expect-error trackingNumber is missing
      renderMessage('order-shipped', 'en', { customerName: 'A', orderReference: 'R', shippedOn: 'D', carrier: 'C', service: 'S', companyName: 'X' });
      // @ts-expect-error a balance-due invoice needs its due date, terms and early payment
      renderMessage('invoice-issued', 'en', { form: 'balance-due', customerName: 'A', invoiceNumber: 'I', orderReference: null, total: 'T', companyName: 'X' });
      // @ts-expect-error amounts are formatted strings, never minor units
      renderMessage('order-rejected', 'en', { customerName: 'A', orderReference: 'R', reason: 1042, companyName: 'X', refunded: false });
      // @ts-expect-error a reminder needs its tone
      renderMessage('payment-reminder', 'en', { customerName: 'A', invoiceNumber: 'I', amount: 'M', disputed: null, dueDate: 'D', daysPastDue: 1, companyName: 'X' });
      const { 'order-rejected': _dropped, ...partial } = CATALOGUES.sv;
      // @ts-expect-error every language provides every customer message
      const incomplete: Catalogue = partial;
      // @ts-expect-error every tone of the reminder is needed
      const noFinal: Catalogue = { ...CATALOGUES.sv, 'payment-reminder': { friendly: CATALOGUES.sv['payment-reminder'].friendly, firm: CATALOGUES.sv['payment-reminder'].firm } };
      return [incomplete, noFinal];
    };
    expect(typeChecks).toBeTypeOf('function');
  });
});
