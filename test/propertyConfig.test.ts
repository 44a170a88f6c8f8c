/**
 * The shared fast-check configuration (test/helpers/fastcheck.ts, a vitest
 * setup file) is in force in every test file: an interrupted run fails, and
 * a failure says how to replay it, which finds the same counterexample again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the property did not fail');
};

describe('fast-check configuration', () => {
  it('counts an interrupted run as a failure', () => {
    expect(fc.readConfigureGlobal().markInterruptAsFailure).toBe(true);
    // A property that never gets through its runs before a (tiny) time limit: without the setting it would pass.
    const slow = fc.property(fc.nat(), () => {
      const until = Date.now() + 5;
      while (Date.now() < until);
      return true;
    });
    expect(failure(() => fc.assert(slow, { numRuns: 10_000, interruptAfterTimeLimit: 20 }))).toMatch(/interrupted/);
  });

  it('prints the seed and path of a failure, and replaying them meets the same counterexample', async () => {
    const prop = fc.property(fc.array(fc.nat()), (xs) => xs.reduce((a, b) => a + b, 0) < 100);
    const message = failure(() => fc.assert(prop));
    const m = /replay: LOGBOOK_FC_SEED=(-?\d+) LOGBOOK_FC_PATH=(\S+) npx vitest run/.exec(message);
    expect(m, message).not.toBeNull();
    const counterexample = /Counterexample: (.*)/.exec(message)![1];
    const replayed = failure(() => fc.assert(prop, { seed: Number(m![1]), path: m![2] }));
    expect(/Counterexample: (.*)/.exec(replayed)![1]).toBe(counterexample);
    // An async property reports the same way.
    const asyncMessage = await fc.assert(fc.asyncProperty(fc.nat(), async (n) => n < 10)).then(() => '', (e: Error) => e.message);
    expect(asyncMessage).toMatch(/replay: LOGBOOK_FC_SEED=-?\d+ LOGBOOK_FC_PATH=\S+/);
  });
});
