/**
 * A hook never fails where the agent or git can see it: it exits 0 and writes
 * what went wrong to `.git/logbook/hook-errors.log`. So exit codes prove
 * nothing; this log is where a hook test sees whether the hook worked.
 *
 * `watchHookErrors(dir)` when a test runs a hook in `dir`: after the test, the
 * log must be absent or empty — unless the test said what it expects there
 * with `expectHookError(dir, pattern)` (or checked it is clean itself with
 * `expectNoHookErrors`). A hook that silently failed thus fails its test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect } from 'vitest';

const watched = new Map<string, 'unchecked' | 'checked'>();

function logFile(dir: string): string {
  // A work tree (`dir/.git/logbook`) or a git dir itself (a bare repository, `GIT_DIR`).
  const dotGit = path.join(dir, '.git');
  return path.join(existsSync(dotGit) ? dotGit : dir, 'logbook', 'hook-errors.log');
}

/** The hook error log of the repository at `dir` (a work tree or a git dir); '' when there is none. */
export function hookErrors(dir: string): string {
  const file = logFile(dir);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** The log's lines, without the timestamp each begins with. */
export function hookErrorLines(dir: string): string[] {
  return hookErrors(dir)
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ''));
}

/** Check, after the test, that no hook run in `dir` logged an error (unless the test checks the log itself). */
export function watchHookErrors(dir: string): void {
  if (!watched.has(dir)) watched.set(dir, 'unchecked');
}

/** The hooks run in `dir` logged nothing. */
export function expectNoHookErrors(dir: string): void {
  watched.set(dir, 'checked');
  expect(hookErrors(dir), `${logFile(dir)} should be absent or empty: a hook failed`).toBe('');
}

/** Some line of the log (timestamp aside) matches `pattern`; returns the lines. */
export function expectHookError(dir: string, pattern: RegExp, options: { lines?: number } = {}): string[] {
  watched.set(dir, 'checked');
  const lines = hookErrorLines(dir);
  expect(
    lines.some((l) => pattern.test(l)),
    `${logFile(dir)} should have a line matching ${pattern}; it has:\n${lines.join('\n') || '(nothing)'}`,
  ).toBe(true);
  if (options.lines !== undefined) expect(lines, `lines of ${logFile(dir)}`).toHaveLength(options.lines);
  return lines;
}

afterEach(() => {
  const unchecked = [...watched].filter(([, state]) => state === 'unchecked').map(([dir]) => dir);
  watched.clear();
  for (const dir of unchecked) expect(hookErrors(dir), `${logFile(dir)} should be absent or empty: a hook in this test failed without the test expecting it`).toBe('');
});
