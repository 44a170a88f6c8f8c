/**
 * A deadline handed down to every wait of one piece of work (a hook's budget):
 * lock waits, git runs and retries ask it how long they may still take, and
 * `check` stops the work before its next write once the time is up.
 */
import { LogbookError } from '../errors.js';

export interface Deadline {
  /** Milliseconds left (0 when past). */
  remaining(): number;
  /** Throws TIMEOUT when the time is up; call before every write and after every wait. */
  check(what: string): void;
}

export const NO_DEADLINE: Deadline = { remaining: () => Number.POSITIVE_INFINITY, check: () => undefined };

/** A deadline `ms` after `start` on the given clock (injected for tests). */
export function deadlineIn(ms: number, clock: () => number = Date.now, start = clock()): Deadline {
  const at = start + ms;
  return {
    remaining: () => Math.max(0, at - clock()),
    check(what: string) {
      if (clock() >= at) {
        throw new LogbookError('TIMEOUT', `gave up ${what}: the time budget of ${ms} ms ran out`, { hint: 'nothing was half-written; the work can be retried' });
      }
    },
  };
}

/** The smaller of a wait's own bound and what the deadline leaves. */
export function boundedWait(deadline: Deadline | undefined, ms: number): number {
  return Math.min(ms, deadline ? deadline.remaining() : ms);
}
