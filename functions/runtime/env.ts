/**
 * Environment read once, failing fast (ARCHITECTURE.md §7): a handler module
 * reads what it needs at load time, so a missing variable fails the cold start
 * with a clear message instead of the first request half-way through its work.
 */
import { safeParse, type Infer, type Schema } from './schema.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The value of a required environment variable. */
export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/** An optional environment variable, or `fallback`. */
export function envOr(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** A comma-separated list (`a@x.com,b@x.com`), trimmed, empty entries dropped. */
export function envList(name: string): string[] {
  return env(name)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A JSON value validated by `schema`. */
export function envJson<S extends Schema>(name: string, schema: S): Infer<S> {
  const raw = env(name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`environment variable ${name} is not valid JSON`);
  }
  const result = safeParse(schema, parsed);
  if (!result.success) {
    throw new ConfigError(`environment variable ${name} is invalid: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}
