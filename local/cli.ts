/**
 * `npm run o2c -- <command>` (or `npx o2c <command>`): look at and drive the
 * running local stack. It finds the stack through O2C_API_PORT, as `npm start` does.
 *
 *   status                                  orders and invoices per status, executions, queue and DLQ depths
 *   orders show <orderId>                   the order's timeline, step by step
 *   invoices list [--open]                  invoices (only those with a balance, with --open)
 *   schedule run <dunning|report> [--as-of YYYY-MM-DD] [--kind flash|weekly|month-end] [--resend]
 *   demo                                    posts realistic orders and shows where to look
 */
import './quiet.ts';
import { parseArgs } from 'node:util';
import { FINANCE_USAGE, financeApi, financeCommand } from './finance-cli.ts';
import { DEV_SECRETS } from './stack.ts';

const api = `http://127.0.0.1:${process.env.O2C_API_PORT ?? 3000}`;
const mailbox = `http://127.0.0.1:${process.env.O2C_MAIL_PORT ?? 8005}`;
const apiKey = process.env.O2C_API_KEY || DEV_SECRETS.O2C_API_KEY;
const financeKey = process.env.O2C_FINANCE_KEY || DEV_SECRETS.O2C_FINANCE_KEY;

async function call(method: string, path: string, body?: unknown): Promise<any> {
  let res: Response;
  try {
    res = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': path.startsWith('/finance/') ? financeKey : apiKey },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new Error(`no o2c local stack answers on ${api}: start it with \`npm start\` (or set O2C_API_PORT)`);
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.message ?? text}`);
  return json;
}

const money = (amount: number, currency: string) => new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amount / 10 ** (currency === 'JPY' ? 0 : 2));

async function status(): Promise<void> {
  const s = await call('GET', '/_local/status');
  const line = (title: string, counts: Record<string, number>) =>
    console.log(`${title.padEnd(11)}${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' · ') || 'none'}`);
  line('orders', s.orders);
  line('invoices', s.invoices);
  line('workflows', s.executions);
  console.log('queues     visible / in flight');
  for (const q of s.queues as { queue: string; visible: number; inFlight: number; isDeadLetter: boolean }[]) {
    const flag = q.isDeadLetter && q.visible > 0 ? '   ← dead letters: inspect and redrive' : '';
    console.log(`  ${q.isDeadLetter ? 'DLQ ' : '    '}${q.queue.padEnd(36)}${String(q.visible).padStart(5)} / ${q.inFlight}${flag}`);
  }
}

async function showOrder(id: string): Promise<void> {
  const o = await call('GET', `/_local/orders/${encodeURIComponent(id)}`);
  const order = o.order;
  console.log(`order ${order.id}  ${order.source.platform} ${order.source.reference ?? order.source.externalId}  ${money(order.totals.total, order.currency)}  status ${order.status}${order.invoiceNumber ? `  invoice ${order.invoiceNumber}` : ''}`);
  for (const e of o.timeline) console.log(`  ${e.at}  ${e.step.padEnd(16)}${(e.status ?? '').padEnd(13)}${e.detail ?? ''}`);
  if (o.execution) console.log(`workflow ${o.execution.status}${o.execution.waitingIn.length ? `, waiting in ${o.execution.waitingIn.join(', ')}` : ''}${o.execution.error ? `, ${o.execution.error}: ${o.execution.cause}` : ''}`);
}

async function listInvoices(open: boolean): Promise<void> {
  const { invoices } = await call('GET', `/_local/invoices${open ? '?open=1' : ''}`);
  if (invoices.length === 0) return console.log(open ? 'no open invoices' : 'no invoices');
  for (const i of invoices) {
    console.log(`${i.number}  ${(i.orderReference ?? '').padEnd(10)} issued ${i.issueDate}  due ${i.dueDate}  ${money(i.total, i.currency).padStart(12)}  balance ${money(i.balance, i.currency).padStart(12)}  ${i.status}`);
  }
}

const address = (city: string, country: string) => ({ line1: '1 Market Street', city, postalCode: 'AB1 2CD', country });
const line = (sku: string, description: string, quantity: number, unitPrice: number, taxRatePpm: number) => ({ sku, description, quantity, unitPrice, taxRatePpm });

export const DEMO_ORDERS = [
  { externalId: 'PO-10041', reference: 'PO-10041', customer: { email: 'purchasing@acme-retail.example', name: 'Acme Retail Ltd' }, currency: 'GBP', paymentMode: 'terms', shippingAddress: address('York', 'GB'), shipping: { amount: 499, taxRatePpm: 200_000 }, lines: [line('MUG-01', 'Stoneware mug, 350 ml', 24, 1250, 200_000), line('TEA-250', 'Loose-leaf breakfast tea, 250 g', 12, 650, 0)] },
  { externalId: 'IO-2026-118', reference: 'IO-2026-118', customer: { email: 'inkop@nordisk-design.example', name: 'Nordisk Design AB', language: 'sv' }, currency: 'GBP', paymentMode: 'terms', shippingAddress: address('Malmö', 'SE'), shipping: { amount: 1995, taxRatePpm: 0 }, lines: [line('LAMP-3', 'Brass desk lamp', 6, 8900, 200_000)] },
  { externalId: 'TT-7731', reference: 'TT-7731', customer: { email: 'buyer@tokyo-trading.example', name: '東京トレーディング株式会社', language: 'ja' }, currency: 'GBP', paymentMode: 'terms', shippingAddress: address('Tokyo', 'JP'), lines: [line('BOOK-7', 'Field guide to British birds', 10, 1899, 0)] },
  { externalId: 'CS-0007', reference: 'CS-0007', customer: { email: 'owner@corner-shop.example', name: 'Corner Shop' }, currency: 'GBP', paymentMode: 'terms', shippingAddress: address('Leeds', 'GB'), lines: [line('LAMP-3', 'Brass desk lamp', 2, 8900, 200_000)] },
  { externalId: 'WEB-55012', reference: 'WEB-55012', customer: { email: 'jo.bloggs@example.org', name: 'Jo Bloggs' }, currency: 'GBP', paymentMode: 'prepaid', shippingAddress: address('Bristol', 'GB'), shipping: { amount: 399, taxRatePpm: 200_000 }, lines: [line('MUG-01', 'Stoneware mug, 350 ml', 2, 1250, 200_000)] },
];

async function demo(): Promise<void> {
  const ids: { ref: string; orderId: string }[] = [];
  for (const o of DEMO_ORDERS) {
    const r = await call('POST', '/orders', o);
    ids.push({ ref: o.reference, orderId: r.orderId });
    console.log(`posted ${o.reference.padEnd(12)} → ${r.orderId}${r.duplicate ? ' (already there)' : ''}`);
  }
  console.log('waiting for the warehouse and the invoices…');
  const deadline = Date.now() + 60_000;
  let orders: { ref: string; orderId: string; status: string }[] = [];
  while (Date.now() < deadline) {
    orders = await Promise.all(ids.map(async (i) => ({ ...i, status: (await call('GET', `/_local/orders/${i.orderId}`)).order.status as string })));
    if (orders.every((o) => ['invoiced', 'paid', 'credit_hold', 'rejected'].includes(o.status))) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  for (const o of orders) console.log(`  ${o.ref.padEnd(12)} ${o.status}`);
  const held = orders.filter((o) => o.status === 'credit_hold');
  console.log(`\nmailbox: ${mailbox}  (confirmations, invoices with PDF, the credit-review request to finance)`);
  for (const h of held) {
    console.log(`${h.ref} is on credit hold. Decide as finance:\n  npm run o2c -- credit decide ${h.orderId} approve`);
  }
  console.log('then try: npm run o2c -- invoices list --open · npm run o2c -- schedule run dunning --as-of 2027-01-31 · npm run o2c -- schedule run report');
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      open: { type: 'boolean', default: false },
      'as-of': { type: 'string' },
      note: { type: 'string' },
      'up-to': { type: 'string' },
      until: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      email: { type: 'string' },
      name: { type: 'string' },
      limit: { type: 'string' },
      currency: { type: 'string' },
      language: { type: 'string' },
      'tax-id': { type: 'string' },
      'vat-number': { type: 'string' },
      'company-number': { type: 'string' },
      'peppol-id': { type: 'string' },
      'e-invoice': { type: 'boolean' },
      'no-e-invoice': { type: 'boolean' },
      kind: { type: 'string' },
      resend: { type: 'boolean' },
      collections: { type: 'string' },
      shop: { type: 'string' },
      exempt: { type: 'boolean' },
      'no-exempt': { type: 'boolean' },
      reason: { type: 'string' },
      amount: { type: 'string' },
      date: { type: 'string' },
      reference: { type: 'string' },
      remittance: { type: 'string' },
      customer: { type: 'string' },
      invoice: { type: 'string' },
      pdf: { type: 'string' },
      stack: { type: 'string' },
      status: { type: 'string' },
      grace: { type: 'string' },
    },
  });
  const [cmd, sub, ...rest] = positionals;
  if (values.help || !cmd) {
    console.log(
      `usage: npm run o2c -- <command>\n  status\n  orders show <orderId>\n  invoices list [--open]\n  schedule run <dunning|report> [--as-of YYYY-MM-DD] [--kind flash|weekly|month-end] [--resend]\n  demo\nfinance:\n${FINANCE_USAGE}`,
    );
    return;
  }
  const finance = await financeCommand(financeApi(process.env, values.stack), cmd, [sub, ...rest].filter((a): a is string => a !== undefined), { ...values, ...(values['no-exempt'] ? { exempt: false } : {}), ...(values['no-e-invoice'] ? { 'e-invoice': false } : {}) });
  if (finance !== undefined) return void console.log(finance);
  if (cmd === 'status') return status();
  if (cmd === 'orders' && sub === 'show' && rest[0]) return showOrder(rest[0]);
  if (cmd === 'invoices' && sub === 'list') return listInvoices(values.open ?? false);
  if (cmd === 'schedule' && sub === 'run' && (rest[0] === 'dunning' || rest[0] === 'report')) {
    const asOf = values['as-of'];
    if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error('--as-of takes a date YYYY-MM-DD');
    const query = new URLSearchParams();
    if (asOf) query.set('asOf', asOf);
    if (rest[0] === 'report') {
      if (values.kind !== undefined && !['flash', 'weekly', 'month-end'].includes(values.kind)) throw new Error('--kind takes flash, weekly or month-end');
      if (values.kind) query.set('kind', values.kind);
      if (values.resend) query.set('resend', '1');
    } else if (values.resend || values.kind) throw new Error('--kind and --resend are for schedule run report');
    const r = await call('POST', `/_local/schedules/${rest[0]}${query.size ? `?${query}` : ''}`);
    console.log(JSON.stringify(r.result, null, 2));
    return;
  }
  if (cmd === 'demo') return demo();
  throw new Error(`unknown command: ${positionals.join(' ')} (see --help)`);
}

// Piped into `head` and the like: a closed stdout ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`o2c: ${error.message}`);
  process.exit(1);
});
