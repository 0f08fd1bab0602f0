/** Parsing a verified webhook body: not JSON is a 400, the wrong shape a 422 with field paths. */
import * as z from 'zod/mini';
import { BadRequestError } from '../errors.ts';
import { PayloadError } from './types.ts';

/** 400: the body is not JSON at all. */
export class BodyNotJson extends BadRequestError {
  constructor() {
    super('body is not valid JSON');
  }
}

export function parseJson<S extends z.ZodMiniType>(rawBody: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new BodyNotJson();
  }
  const result = z.safeParse(schema, json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new PayloadError("the payload does not match the platform's format", issues);
  }
  return result.data as z.infer<S>;
}
