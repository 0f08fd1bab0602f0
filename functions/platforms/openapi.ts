/** o2c's HTTP contract (`GET /openapi.json`), generated from the same zod schemas that validate the requests. */
import * as z from 'zod/mini';
import { CanonicalOrderSchema, LineCancellationSchema } from './canonical.ts';
import { AllocationRequestSchema, CashRefundRequestSchema, CreditNoteRequestSchema, CustomerChangesSchema, DisputeRequestSchema, DisputeResolutionSchema, ManualPaymentSchema, NewCustomerSchema, PaymentPlanRequestSchema, PlanCancellationSchema, PromiseToPaySchema, ProposalRejectionSchema, REFUND_STATUS_VALUES, RefundPaidSchema, WriteOffRequestSchema } from './finance.ts';

const schema = (s: z.ZodMiniType) => z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input' });
const error = { description: 'what is wrong, in words', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } } } } };
const errors = (...codes: string[]) => Object.fromEntries(codes.map((c) => [c, error]));
const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'same key and body → same answer; another body → 409' };
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const queryParam = (name: string, description: string) => ({ name, in: 'query', required: true, schema: { type: 'string' }, description });
const ok = (status: string, description: string) => ({ [status]: { description, content: { 'application/json': { schema: { type: 'object' } } } } });

function operation(summary: string, security: 'apiKey' | 'finance', options: { body?: z.ZodMiniType; parameters?: object[]; status: string; answer: string; errors: string[] }) {
  return {
    summary,
    security: security === 'apiKey' ? [{ apiKey: [] }] : [{ sigv4: [] }, { financeKey: [] }],
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(options.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(options.body) } } } } : {}),
    responses: { ...ok(options.status, options.answer), ...errors(...options.errors) },
  };
}

export function openApiDocument() {
  const common = ['400', '401', '403', '413', '422'];
  return {
    openapi: '3.0.3',
    info: {
      title: 'o2c API',
      version: '2',
      description:
        'Amounts are integer minor units of the ISO 4217 currency (finance routes: `{ "amount": …, "currency": "GBP" }`); tax rates are parts per million. ' +
        'Three callers, three credentials: the B2B order API (x-api-key), the warehouse (its own x-api-key) and finance (IAM SigV4; locally the finance key in x-api-key); each is refused on the others\' routes with 403.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        financeKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'local stack only' },
        sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS SigV4 (IAM), execute-api' },
      },
    },
    paths: {
      '/orders': { post: operation('Submit an order', 'apiKey', { body: CanonicalOrderSchema, parameters: [idempotencyKey], status: '202', answer: '{ orderId, duplicate }', errors: [...common, '409'] }) },
      '/orders/{orderId}/lines/cancel': {
        post: operation('Cancel units not shipped yet (backordered ones the customer will not wait for): their stock back, a prepaid order refunded for them', 'apiKey', { parameters: [pathParam('orderId')], body: LineCancellationSchema, status: '202', answer: '{ orderId, shipmentId, recorded: "cancellation", complete, open: [{ sku, quantity }] }', errors: [...common, '404', '409'] }),
      },
      '/finance/customers': {
        post: operation('Create a customer (with its credit limit, terms, tax id)', 'finance', { body: NewCustomerSchema, status: '201', answer: '{ customerId }', errors: [...common, '409'] }),
        get: operation('Find a customer by email', 'finance', { parameters: [queryParam('email', 'the customer email'), { name: 'shop', in: 'query', required: false, schema: { type: 'string' } }], status: '200', answer: 'the customer', errors: [...common, '404'] }),
      },
      '/finance/customers/{customerId}': {
        get: operation('Read a customer', 'finance', { parameters: [pathParam('customerId')], status: '200', answer: 'the customer', errors: [...common, '404'] }),
        patch: operation('Change limit, terms, language, tax id, address or dunning exemption', 'finance', { parameters: [pathParam('customerId')], body: CustomerChangesSchema, status: '200', answer: 'the customer as changed', errors: [...common, '404', '409'] }),
      },
      '/finance/payments': { post: operation('Record cash by hand (matched like every payment)', 'finance', { body: ManualPaymentSchema, parameters: [idempotencyKey], status: '202', answer: '{ paymentId }', errors: [...common, '409'] }) },
      '/finance/payments/{paymentId}': { get: operation('A payment: what it settled, its unapplied cash and whose it is, and every later move of that cash', 'finance', { parameters: [pathParam('paymentId')], status: '200', answer: '{ paymentId, amount, unapplied, customerId?, allocations, moves }', errors: [...common, '404'] }) },
      '/finance/unapplied-cash': { get: operation('Cash nobody owns yet (it quoted no invoice and named no customer)', 'finance', { status: '200', answer: '{ payments }', errors: common }) },
      '/finance/payments/{paymentId}/allocations': { post: operation('Apply unapplied cash to an invoice (Dr unapplied cash, Cr receivable)', 'finance', { parameters: [pathParam('paymentId'), idempotencyKey], body: AllocationRequestSchema, status: '201', answer: 'the payment as it is after', errors: [...common, '404', '409'] }) },
      '/finance/payments/{paymentId}/refund': { post: operation('Pay unapplied cash back to the payer (Dr unapplied cash, Cr cash)', 'finance', { parameters: [pathParam('paymentId'), idempotencyKey], body: CashRefundRequestSchema, status: '200', answer: 'the payment as it is after', errors: [...common, '404', '409'] }) },
      '/finance/customers/{customerId}/statement': { get: operation('The statement of account as of a day: open items, credit notes, unapplied cash, disputes and promises, aging and balance per currency (Accept: application/pdf for the PDF)', 'finance', { parameters: [pathParam('customerId'), { name: 'asOf', in: 'query', required: false, schema: { type: 'string', format: 'date' } }], status: '200', answer: '{ customer, asOf, currencies: [...] } or application/pdf', errors: [...common, '404'] }) },
      '/finance/invoices/{number}/credit-notes': { post: operation('Issue a credit note (tax reversed in proportion)', 'finance', { parameters: [pathParam('number'), idempotencyKey], body: CreditNoteRequestSchema, status: '201', answer: '{ creditNoteNumber, total, tax, appliedToInvoice, customerCredit }', errors: [...common, '404', '409'] }) },
      '/finance/invoices/{number}/write-off': { post: operation('Write the open balance off to bad debt', 'finance', { parameters: [pathParam('number')], body: WriteOffRequestSchema, status: '200', answer: '{ invoiceNumber, status, writtenOff }', errors: [...common, '404', '409'] }) },
      '/finance/invoices/{number}': { get: operation('Read an invoice: balance, what is disputed, the promise to pay, its disputes', 'finance', { parameters: [pathParam('number')], status: '200', answer: '{ invoiceNumber, status, total, balance, disputed, undisputed, promisedUntil?, disputes }', errors: [...common, '404'] }) },
      '/finance/invoices/{number}/ubl': { get: operation('The invoice as a Peppol BIS Billing 3.0 e-invoice (UBL 2.1, its PDF embedded)', 'finance', { parameters: [pathParam('number')], status: '200', answer: 'application/xml', errors: [...common, '404'] }) },
      '/finance/credit-notes/{number}/ubl': { get: operation('The credit note as a Peppol BIS Billing 3.0 credit note (UBL 2.1, its PDF embedded, referring to the invoice it corrects)', 'finance', { parameters: [pathParam('number')], status: '200', answer: 'application/xml', errors: [...common, '404'] }) },
      '/finance/invoices/{number}/disputes': { post: operation('Dispute part of the balance: not chased, not overdue, until resolved', 'finance', { parameters: [pathParam('number'), idempotencyKey], body: DisputeRequestSchema, status: '201', answer: '{ disputeId, invoiceNumber, amount, status: "open" }', errors: [...common, '404', '409'] }) },
      '/finance/disputes/{disputeId}/resolution': { post: operation('Resolve a dispute: credit (a credit note for the amount, default all of it) or reinstate (owed again)', 'finance', { parameters: [pathParam('disputeId')], body: DisputeResolutionSchema, status: '200', answer: '{ disputeId, status, resolution: { outcome, amount, creditNoteNumber? } }', errors: [...common, '404', '409'] }) },
      '/finance/customers/{customerId}/payment-plans': {
        post: operation('Agree a payment plan: instalments that add up exactly to the overdue invoices covered (no reminders while it is kept; a missed instalment resumes dunning); the customer is sent it in their language', 'finance', { parameters: [pathParam('customerId'), idempotencyKey], body: PaymentPlanRequestSchema, status: '201', answer: 'the plan: { planId, status, standing, covered, paid, invoices, instalments }', errors: [...common, '404', '409'] }),
        get: operation("The customer's payment plans and where each stands (instalments paid, due, missed)", 'finance', { parameters: [pathParam('customerId')], status: '200', answer: '{ customerId, plans }', errors: [...common, '404'] }),
      },
      '/finance/customers/{customerId}/payment-plans/{planId}/cancel': { post: operation('End a payment plan early: dunning resumes the next day where it stood', 'finance', { parameters: [pathParam('customerId'), pathParam('planId')], body: PlanCancellationSchema, status: '200', answer: 'the plan as cancelled', errors: [...common, '404', '409'] }) },
      '/finance/invoices/{number}/promise-to-pay': { post: operation('Record a promise to pay by a date: no reminder until the day after', 'finance', { parameters: [pathParam('number')], body: PromiseToPaySchema, status: '200', answer: '{ invoiceNumber, promisedUntil, balance, undisputed }', errors: [...common, '404', '409'] }) },
      '/finance/reports/pack': {
        get: operation('The finance pack’s figures as of a day (aging, DSO, countback DSO, best possible DSO, ADD, CEI with their 13-period trends, cash, order to cash, automation, accounts); money in minor units with its currency', 'finance', {
          parameters: [
            { name: 'asOf', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
            { name: 'kind', in: 'query', required: false, schema: { type: 'string', enum: ['flash', 'weekly', 'month-end'], default: 'month-end' } },
          ],
          status: '200',
          answer: 'FinancePack: { kind, asOf, period, company, currencies: [{ currency, aging, kpi, trend, cash, revenueByChannel }], orderToCash, automation, accounts }',
          errors: common,
        }),
      },
      '/finance/ledger/trial-balance': { get: operation('Debits and credits per account and currency as of a day, and whether they balance', 'finance', { parameters: [{ name: 'asOf', in: 'query', required: false, schema: { type: 'string', format: 'date' } }], status: '200', answer: '{ asOf, balanced, currencies: [{ currency, debits, credits, accounts }] }', errors: common }) },
      '/finance/bank-statements': {
        post: {
          summary: "Import a bank file (camt.053, camt.052, camt.054, MT940, or CSV with the configured bankCsvMapping): its credits are matched to invoices like every payment, its returns and reversals take back the payments they undo and reopen their invoices, other debits are listed; the same file twice is one import, the same entry in two files one payment (at most 1 MB here; larger files go through the S3 drop)",
          security: [{ sigv4: [] }, { financeKey: [] }],
          requestBody: { required: true, content: { 'application/xml': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: { ...ok('202', '{ importId, alreadyImported? }'), ...errors(...common) },
        },
      },
      '/finance/bank-statements/{importId}': {
        get: operation("An import: its statements, entries, credits queued, debits (returns, fees, other), and what apply-payment did with the credits so far (applied by rule, unapplied, pending, auto-match rate)", 'finance', { parameters: [pathParam('importId')], status: '200', answer: '{ importId, status (received, queued, applied: matching finished, returns carried out, finance told), matchedAt?, format, statements, entries, credits, debits, queued, pending, applied, proposed, rejected, proposals: [{ paymentId, amount, invoices, confidence, evidence }], unapplied, autoMatchRate, returns: { count, totals, lines, outcomes }, fees, otherDebits, notApplied }', errors: [...common, '404'] }),
      },
      '/finance/bank-statements/{importId}/items/{itemId}/apply': {
        post: operation("Confirm a proposed match of a credit (itemId: its payment id): its unapplied cash goes to the proposed invoices (Dr unapplied cash, Cr receivable), its deduction is opened as a short-payment dispute; a proposed early-payment discount is not granted (issue a credit note). A second call is a 409 and writes nothing", 'finance', { parameters: [pathParam('importId'), pathParam('itemId')], status: '200', answer: '{ paymentId, applied: [{ invoiceNumber, amount }], unapplied, discountsNotGranted, deduction? }', errors: [...common, '404', '409'] }),
      },
      '/finance/bank-statements/{importId}/items/{itemId}/reject': {
        post: operation("Reject a proposed match of a credit (itemId: its payment id), with the reason: nothing is applied, the cash stays unapplied on its customer — or, when the customer was only guessed from the payer's name, goes to the unassigned cash list; audited. A second call, or one after the proposal was confirmed, is a 409", 'finance', { parameters: [pathParam('importId'), pathParam('itemId')], body: ProposalRejectionSchema, status: '200', answer: '{ paymentId, rejected: { by, at, reason }, unapplied, customerId? }', errors: [...common, '404', '409'] }),
      },
      '/finance/refunds': {
        get: operation('Refunds of prepaid orders and cancelled paid invoices, by status (requested, refunded, failed, owed)', 'finance', {
          parameters: [{ name: 'status', in: 'query', required: false, schema: { type: 'string', enum: [...REFUND_STATUS_VALUES] }, description: 'one status; all when absent' }],
          status: '200',
          answer: '{ refunds: [{ refundId, orderId, orderReference, platform, amount, status, cause, reason, requestedAt, settledAt, platformRefundId, note }] }',
          errors: common,
        }),
      },
      '/finance/refunds/{refundId}/paid': { post: operation('Finance paid an owed or refused refund back by hand (Dr customer credit / Cr cash when it was customer credit)', 'finance', { parameters: [pathParam('refundId')], body: RefundPaidSchema, status: '200', answer: 'the refund, refunded', errors: [...common, '404', '409'] }) },
      '/finance/audit': { get: operation('The audit trail of one entity', 'finance', { parameters: [queryParam('entity', 'customer:<id>, invoice:<number> or payment:<id>')], status: '200', answer: '{ entity, entries }', errors: common }) },
    },
  };
}
