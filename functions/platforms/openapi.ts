/** The B2B API's contract (`GET /openapi.json`), generated from the same zod schemas that validate it. */
import * as z from 'zod/mini';
import { CanonicalOrderSchema, PaymentInputSchema } from './canonical.ts';

export function openApiDocument() {
  const schema = (s: z.ZodMiniType) => z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input' });
  const error = { description: 'what is wrong', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } } } } };
  const post = (summary: string, body: z.ZodMiniType, idName: string) => ({
    summary,
    security: [{ apiKey: [] }],
    parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'same key and body → same answer; another body → 409' }],
    requestBody: { required: true, content: { 'application/json': { schema: schema(body) } } },
    responses: {
      '202': { description: 'accepted', content: { 'application/json': { schema: { type: 'object', properties: { [idName]: { type: 'string' } } } } } },
      '400': error,
      '401': error,
      '409': error,
      '413': error,
      '422': error,
    },
  });
  return {
    openapi: '3.0.3',
    info: { title: 'o2c B2B API', version: '1', description: 'Amounts are integer minor units of the ISO 4217 currency; tax rates are parts per million.' },
    components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
    paths: {
      '/orders': { post: post('Submit an order', CanonicalOrderSchema, 'orderId') },
      '/payments': { post: post('Report a payment received', PaymentInputSchema, 'paymentId') },
    },
  };
}
