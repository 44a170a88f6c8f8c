/**
 * One fast-check configuration for every property test (a vitest setup file,
 * see vitest.config.ts), so that a property run can fail only for a real
 * counterexample and every failure can be replayed:
 *
 * - a run that is interrupted (a time limit set by a test, now or later) is a
 *   failure, not a silent pass with fewer runs (`markInterruptAsFailure`);
 *   no time limit is set here, so every run does its fixed `numRuns`;
 * - a failure prints its seed and path, and the command that replays it:
 *   `LOGBOOK_FC_SEED=<seed> LOGBOOK_FC_PATH=<path> npx vitest run <file> -t '<test>'`
 *   (with a seed only, the run starts again from that seed and meets the same
 *   counterexample; the path jumps straight to it).
 */
import fc from 'fast-check';

const env = process.env;
const seed = env.LOGBOOK_FC_SEED?.trim() ? Number(env.LOGBOOK_FC_SEED) : undefined;
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`LOGBOOK_FC_SEED must be an integer (the seed a failing run printed), not ${JSON.stringify(env.LOGBOOK_FC_SEED)}`);
const replayPath = env.LOGBOOK_FC_PATH?.trim() || undefined;

/** The message a failed run throws: fast-check's own report plus how to replay it. */
export function failureMessage(report: string | undefined, details: fc.RunDetails<unknown>): string {
  const why = details.interrupted ? 'the run was interrupted before its numRuns (an interrupted run counts as a failure)\n' : '';
  const replay = `LOGBOOK_FC_SEED=${details.seed}${details.counterexamplePath ? ` LOGBOOK_FC_PATH=${details.counterexamplePath}` : ''}`;
  return `${why}${report ?? 'property failed'}\n\nreplay: ${replay} npx vitest run <this file> -t '<this test>'`;
}

fc.configureGlobal({
  markInterruptAsFailure: true,
  ...(seed !== undefined ? { seed } : {}),
  ...(seed !== undefined && replayPath ? { path: replayPath } : {}),
  // One reporter for sync and async properties (fast-check refuses both reporter and asyncReporter).
  reporter(details) {
    if (details.failed) throw new Error(failureMessage(fc.defaultReportMessage(details), details), { cause: details.errorInstance ?? undefined });
  },
});
