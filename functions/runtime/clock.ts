/** The system clock (port `Clock`): the only place Lambda code asks the time. */
import type { Clock } from '../ports.ts';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock fixed at `at` (as-of runs, tests). */
export const fixedClock = (at: Date | string): Clock => ({ now: () => new Date(at), sleep: systemClock.sleep });

/**
 * One sender instance's turn-taking: at most one call per `minIntervalMs`
 * (the stack divides the SES send rate among the mail pollers).
 */
export function pacer(minIntervalMs: number): () => Promise<void> {
  let nextAt = 0;
  return async () => {
    const wait = nextAt - Date.now();
    nextAt = Math.max(Date.now(), nextAt) + minIntervalMs;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
}
