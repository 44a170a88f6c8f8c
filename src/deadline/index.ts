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

/**
 * `work`, or a TIMEOUT error when the deadline comes first. The work itself
 * must be bounded by the same deadline (handed to every wait, checked before
 * every write), so that nothing is written after this gave up; a process
 * (the hook CLI) ends right after.
 */
export function raceDeadline<T>(work: Promise<T>, deadline: Deadline, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LogbookError('TIMEOUT', what, { hint: 'gave up so the agent is not held up; nothing was half-written' })), deadline.remaining());
    (timer as { unref?: () => void }).unref?.();
  });
  work.catch(() => undefined); // its failure after the deadline is moot
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
