/**
 * The customers this instance has seen exist (port `KnownCustomers`), in memory for the life of the Lambda
 * instance: the most recent `limit` ids, the oldest forgotten first (a forgotten customer costs one cancelled
 * transaction on its next order here, never a wrong write).
 */
import type { KnownCustomers } from '../ports.ts';

export function memoryKnownCustomers(limit = 10_000): KnownCustomers & { clear(): void } {
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      if (ids.has(id)) return;
      ids.add(id);
      if (ids.size > limit) ids.delete(ids.values().next().value!);
    },
    clear: () => ids.clear(),
  };
}
