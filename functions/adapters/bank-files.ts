/**
 * Bank files dropped into the S3 bucket (port `BankFileStore`): read whole, as
 * UTF-8 text (the parsers read text; the Lambda's memory bounds the size).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BankFileStore } from '../ports.ts';

let client: S3Client | undefined;

export const s3BankFiles: BankFileStore = {
  async read(bucket, key) {
    client ??= new S3Client({});
    const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!r.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return r.Body.transformToString('utf-8');
  },
};
