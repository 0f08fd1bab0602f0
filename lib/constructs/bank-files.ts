/**
 * The S3 drop for bank files (stateful: in the data stack). Banks and SFTP
 * gateways put statement files here; each new object is announced on the
 * bank-files queue (an S3 notification to SQS, so a failed import is retried
 * and then dead-lettered like every message), which bank-import consumes.
 *
 * The bucket is encrypted (S3-managed keys), blocks public access, refuses
 * plain HTTP, keeps every version, and moves files to Glacier after
 * `bankFileGlacierDays` (statements are accounting records: never expired).
 * Server access logs go to a second bucket, kept for a year.
 *
 * The notification is set on the bucket's own CloudFormation properties, not
 * with `addEventNotification` (whose custom resource is a Lambda function of
 * its own, outside o2c's bindings and the local runtime). Its queue policy
 * names the bucket by its ARN built from the bucket's fixed name, so the
 * policy does not depend on the bucket and the bucket can depend on the policy.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface BankFileDropProps {
  readonly retain: boolean;
  readonly stage: string;
  readonly glacierAfterDays: number;
  readonly queue: Queue;
}

export class BankFileDrop extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: BankFileDropProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const secure = { encryption: BucketEncryption.S3_MANAGED, blockPublicAccess: BlockPublicAccess.BLOCK_ALL, enforceSSL: true, removalPolicy } as const;
    const logs = new Bucket(this, 'AccessLogs', { ...secure, objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED, lifecycleRules: [{ expiration: Duration.days(365) }] });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket of the bank-file drop; logging it into itself would loop.' });

    const name = [`o2c-${props.stage}-bank-files`, Aws.ACCOUNT_ID, Aws.REGION].join('-');
    this.bucket = new Bucket(this, 'Bucket', {
      ...secure,
      bucketName: name,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'bank-files/',
      lifecycleRules: [
        {
          transitions: [{ storageClass: StorageClass.GLACIER, transitionAfter: Duration.days(props.glacierAfterDays) }],
          noncurrentVersionTransitions: [{ storageClass: StorageClass.GLACIER, transitionAfter: Duration.days(props.glacierAfterDays) }],
        },
      ],
    });

    const policy = props.queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:s3:::${name}` }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const cfn = this.bucket.node.defaultChild as CfnBucket;
    cfn.notificationConfiguration = { queueConfigurations: [{ event: 's3:ObjectCreated:*', queue: props.queue.queueArn }] };
    if (policy.policyDependable) cfn.node.addDependency(policy.policyDependable);
  }
}
