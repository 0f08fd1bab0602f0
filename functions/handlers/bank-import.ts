/** bank-import (POST/GET /finance/bank-statements…, IAM, locally the finance key; and the bank-files queue of S3 drops): bank files in — use-cases/bank-import. */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { s3BankFiles } from '#adapters/bank-files';
import { dynamoBankImports } from '#adapters/bank-imports';
import { dynamoTable } from '#adapters/dynamo';
import { mailQueue } from '#adapters/mail-queue';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { readBankFileStream } from '#platforms/bank/index';
import { BankFileDropSchema, ProposalRejectionSchema } from '#platforms/finance';
import * as rt from '#runtime';
import { bankImportView, importBankFile, importDroppedBankFile } from '#use-cases/bank-import';
import { confirmProposal, rejectProposal } from '#use-cases/bank-proposals';
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';

const env = rt.readBindings('bank-import');
export const deps = {
  ...repositories(env.TABLE_NAME),
  bankImports: dynamoBankImports(dynamoTable(env.TABLE_NAME)),
  ...{ bankFiles: s3BankFiles, paymentQueue: sqsOutbox<never>(env.PAYMENTS_QUEUE_URL), mail: mailQueue(env.MAIL_QUEUE_URL), clock: rt.systemClock },
  ...{ company: rt.companyOf(env), financeRecipients: env.FINANCE_RECIPIENTS },
  readBankFile: ((csv) => (chunks: AsyncIterable<string>) => readBankFileStream(chunks, csv ? { csv } : {}))(rt.bankCsvMappingOf(env.BANK_CSV_MAPPING)),
};
const finance = (route: rt.RoleRoute) => rt.withRole(callerCredentialsFrom(env), 'finance', route);
const item = (req: { pathParameters: Record<string, string | undefined> }) => ({ importId: req.pathParameters.importId ?? '', paymentId: req.pathParameters.itemId ?? '' });

export const routes: Record<string, rt.Route> = {
  'POST /finance/bank-statements': finance(async (req, actor) => {
    const { importId, created } = await importBankFile({ body: req.rawBody, source: { kind: 'api', actor } }, deps);
    return { status: 202, body: { importId, ...(created ? {} : { alreadyImported: true }) } };
  }),
  'GET /finance/bank-statements/{importId}': finance(async (req) => ({ status: 200, body: await bankImportView(req.pathParameters.importId ?? '', deps) })),
  'POST /finance/bank-statements/{importId}/items/{itemId}/apply': finance(async (req, actor) => ({ status: 200, body: await confirmProposal(item(req), actor, deps) })),
  'POST /finance/bank-statements/{importId}/items/{itemId}/reject': finance(async (req, actor) => ({ status: 200, body: await rejectProposal({ ...item(req), ...rt.parseJsonBody(req, ProposalRejectionSchema) }, actor, deps) })),
};
const http = rt.httpHandler(rt.routeBy(routes));
const drops = rt.sqsHandler(BankFileDropSchema, async (drop, message) => {
  for (const r of drop.Records ?? []) await importDroppedBankFile({ bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), ...(r.s3.object.eTag ? { eTag: r.s3.object.eTag } : {}), delivery: rt.deliveryOf(message) }, deps);
});
export const handler = (event: APIGatewayProxyEventV2 | SQSEvent, context: Context) => ('Records' in event ? drops(event, context) : http(event, context));
