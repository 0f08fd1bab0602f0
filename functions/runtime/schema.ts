/**
 * Schemas at the edges are zod 4 schemas. Lambda code builds them with
 * `zod/mini` (tree-shakable: ~17 KB in a bundle against ~450 KB for classic
 * zod with its locales); the runtime accepts any zod 4 schema through the core types.
 */
import { safeParse as miniSafeParse } from 'zod/mini';
import type { $ZodType, output } from 'zod/v4/core';

export type Schema = $ZodType;
export type Infer<S extends Schema> = output<S>;

export function safeParse<S extends Schema>(schema: S, value: unknown) {
  return miniSafeParse(schema, value);
}
