/**
 * Bank files dropped into the S3 bucket (port `BankFileStore`): streamed, the
 * object's bytes decoded as UTF-8 as they arrive (a character cut between two
 * network chunks is completed by the next), never held whole. `eTag` pins the
 * version read (`If-Match`): a file replaced between two reads fails the
 * second read instead of mixing two files.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BankFileStore } from '../ports.ts';

let client: S3Client | undefined;

export const s3BankFiles: BankFileStore = {
  async *stream(bucket, key, eTag) {
    client ??= new S3Client({});
    // S3 events give the ETag unquoted; If-Match takes the entity tag quoted.
    const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(eTag ? { IfMatch: eTag.startsWith('"') ? eTag : `"${eTag}"` } : {}) }));
    if (!r.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    const decoder = new TextDecoder('utf-8');
    for await (const bytes of r.Body as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(bytes, { stream: true });
      if (text) yield text;
    }
    const last = decoder.decode();
    if (last) yield last;
  },
};
