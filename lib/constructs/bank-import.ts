/**
 * Bank-statement imports: bank-import serves POST/GET /finance/bank-statements
 * (IAM, the routes below) and consumes the bank-files queue, on which the data
 * stack's S3 drop announces each file a bank puts there. Either way the same
 * use case reads the file and queues its credits on the payments queue for
 * apply-payment; the last credit apply-payment counts finishes the import
 * (its returns, finance's summary email).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { MailingAreaProps } from './area.ts';
import { nagReference } from './nag.ts';
import { functionsOf, type O2cFunction } from './o2c-function.ts';

/** bank-import's memory: what a streamed 50 MB statement needs (peak RSS ~170 MB), with room. */
export const BANK_IMPORT_MEMORY_MB = 512;

/** The routes bank-import serves (test/infra holds them against the handler's route table). */
export const BANK_ROUTES: readonly (readonly [HttpMethod, string])[] = [
  [HttpMethod.POST, '/finance/bank-statements'],
  [HttpMethod.GET, '/finance/bank-statements/{importId}'],
  [HttpMethod.POST, '/finance/bank-statements/{importId}/items/{itemId}/apply'],
  [HttpMethod.POST, '/finance/bank-statements/{importId}/items/{itemId}/reject'],
];

export class BankImport extends Construct {
  readonly fn: O2cFunction;

  constructor(scope: Construct, id: string, props: MailingAreaProps) {
    super(scope, id);
    const { data, mail, config } = props;
    // A dropped statement is streamed (an entry at a time, twice: checked, then its credits sent in batches of 500):
    // memory is bounded by the batch, not the file — a 50 MB camt.053 peaks at ~170 MB RSS (npm run bench:stream).
    // 512 MB leaves three times that; the work is CPU-bound (Lambda gives CPU in proportion to memory), so a 50 MB
    // file takes minutes at this size: 10 minutes' timeout (the bank-files queue's visibility is six times it).
    this.fn = functionsOf(this, config)('bank-import', 'Bank statements in (API and S3 drop): credits to apply-payment, debits listed, finance told', { timeout: Duration.minutes(10), memorySize: BANK_IMPORT_MEMORY_MB })
      .bindTable(data.table)
      .bindQueue('PAYMENTS_QUEUE_URL', data.queues.payments)
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindCallerKeys(data.secrets)
      .bindSettings(config, ['FINANCE_RECIPIENTS', 'BANK_CSV_MAPPING'])
      .bindCompany(config)
      // One file at a time per poller: each may hold thousands of payments.
      .consume(data.queues['bank-files'], { batchSize: 1, maxConcurrency: 2 });
    // Reads the dropped files, nothing else of the bucket (no listing, no bucket settings).
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [data.bankFiles.arnForObjects('*')] }));
    Validations.of(this.fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(this.fn, data.bankFiles, 'Arn', data.bankFiles.bucketArn)}/*]`,
      reason: 'Reads any file dropped into the bank-file bucket (a new object names itself in its notification); GetObject only, on this bucket only.',
    });
  }
}
