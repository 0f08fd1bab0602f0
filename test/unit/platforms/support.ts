import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHmac } from 'node:crypto';

export const fixture = (path: string): string => readFileSync(resolve(import.meta.dirname, '../../fixtures', path), 'utf8');
export const base64Hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
