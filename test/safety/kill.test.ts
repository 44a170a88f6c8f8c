/**
 * Crash safety: parallel child processes append (and read, which writes the
 * cache) and are killed with SIGKILL at random moments, a fixed number of
 * times (KILLS, 210 by default, raised with LOGBOOK_KILLS). After that the
 * repository must be valid (`git fsck --strict`), `logbook doctor` healthy
 * (at most stale locks or leftovers to repair), and every append that printed
 * success present exactly once.
 *
 * The test does a fixed amount of work whatever the machine's speed: it runs
 * until KILLS processes were killed, and only the test timeout guards against
 * a hang. Kill delays are drawn relative to how long an undisturbed run takes
 * on this machine right now, so a loaded machine is killed as evenly over a
 * process's life as an idle one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/events.js';
import type { DoctorReport } from '../../src/doctor.js';
import { BIN, ok, run } from '../helpers/cli.js';
import { git, makeRepo, readTree } from '../helpers/repo.js';

const KILLS = Number(process.env.LOGBOOK_KILLS ?? 210);
const WORKERS = 4;
/** Every CALM-th round of a worker is left alone: it must succeed, and it measures how long a run takes. */
const CALM = 5;
/** A hang guard only, far above what the work takes on a loaded 2-core machine (~0.5 s a kill there). */
const TIMEOUT_MS = Math.max(300_000, KILLS * 2_500);

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Children still running when the test ends (a timeout): killed so none outlives the test. */
const live = new Set<ChildProcess>();
afterAll(() => {
  for (const child of live) child.kill('SIGKILL');
});

/** Run the CLI; `killAfterMs` null leaves it alone. */
function attempt(cwd: string, args: string[], killAfterMs: number | null): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
    delete env.LOGBOOK_SESSION;
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === null ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('SIGKILL at random points', () => {
  it(`loses no acknowledged append and leaves a valid repository (${KILLS} kills)`, async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'survive kills']);
    const acked = new Set<string>();
    const attempted = new Set<string>();
    const calmAppends: string[] = [];
    const failures: string[] = [];
    let kills = 0;
    let killsLate = 0;
    let rounds = 0;
    // How long an undisturbed run takes here and now (moving average of the calm rounds).
    let typicalMs = 150;
    const t0 = Date.now();

    const worker = async (w: number) => {
      for (let n = 0; kills < KILLS; n++) {
        rounds++;
        const calm = n % CALM === CALM - 1;
        const dice = Math.random();
        // Mostly appends; some reads (which write the cache) and rebuilds (which write projection files).
        // Calm rounds alternate between an append and a read, so both are checked to succeed.
        const read = calm ? n % (2 * CALM) === 2 * CALM - 1 : dice < 0.25;
        const text = `w${w}-${n}`;
        const args = !read ? ['log', '--progress', text] : (calm ? w % 2 === 0 : dice < 0.12) ? ['view', '--json'] : ['rebuild'];
        // Kill delays cover the whole life of a process: start-up, read, object writes, ref update, cache write.
        const killAfter = calm ? null : 5 + Math.random() * typicalMs * 1.2;
        if (!read) attempted.add(text);
        if (!read && calm) calmAppends.push(text);
        const r = await attempt(dir, args, killAfter);
        // Printed success counts as acknowledged even when the process was killed right after.
        if (!read && r.stdout.includes(`: ${text}\n`)) acked.add(text);
        if (r.signal === 'SIGKILL') {
          kills++;
          // Killed in the later half of a typical run: past start-up, in the middle of the work.
          if (killAfter !== null && killAfter > typicalMs / 2) killsLate++;
          continue;
        }
        if (r.code !== 0) {
          failures.push(`${args.join(' ')} -> ${r.code}: ${r.stderr.trim()}`);
          continue;
        }
        if (calm) typicalMs = typicalMs * 0.8 + r.ms * 0.2;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    expect(kills).toBeGreaterThanOrEqual(KILLS);
    // Kills landed all over a process's life, not only in start-up.
    expect(killsLate).toBeGreaterThan(KILLS / 4);
    // A process that was not killed never failed (no lock left blocking, no corrupt object met).
    expect(failures).toEqual([]);
    // Every calm append printed success (and was therefore acknowledged).
    expect(calmAppends.length).toBeGreaterThan(0);
    expect(calmAppends.filter((t) => !acked.has(t))).toEqual([]);

    // The repository is valid for stock git.
    const fsck = git(dir, 'fsck', '--strict');
    expect(fsck.replace(/^dangling commit [0-9a-f]{40}$/gm, '').trim()).toBe('');
    // Commits written but never referenced: processes killed between their object writes and the ref update.
    const dangling = fsck.split('\n').filter((l) => l.startsWith('dangling commit')).length;
    // Nothing a killed process left under refs/ is taken for a ref by git (`git gc` and `for-each-ref` would choke on it).
    expect(git(dir, 'for-each-ref', '--format=%(refname)', 'refs/logbook/').trim().split('\n')).toEqual([`refs/logbook/replicas/${git(dir, 'config', 'logbook.replica').trim()}`]);

    // Doctor: healthy, or only leftovers a killed process may leave.
    const doctor = run(dir, ['doctor', '--json']);
    const report = JSON.parse(doctor.stdout) as DoctorReport;
    const problems = report.findings.filter((f) => f.severity !== 'info');
    expect(problems.filter((f) => !['stale-lock', 'leftover-file'].includes(f.code))).toEqual([]);

    // The next command is not blocked by anything a killed process left (a stale lock is taken over
    // by itself after 3 s; one that blocked would fail this append with LOCKED).
    const after = run(dir, ['log', '--progress', 'after the storm']);
    expect(after.code, after.stderr).toBe(0);
    // --repair clears the leftovers, and doctor is then healthy.
    if (problems.length) expect(run(dir, ['doctor', '--repair', '--json']).code).toBe(0);
    const final = run(dir, ['doctor']);
    expect(final.code, final.stdout).toBe(0);

    // Every acknowledged append is there exactly once; nothing appears twice.
    const events = (JSON.parse(ok(dir, ['view', '--json'])) as { events: JournalEvent[] }).events;
    const texts = events.filter((e) => e.type === 'progress').map((e) => (e.data as { text: string }).text);
    const counts = new Map<string, number>();
    for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
    const missing = [...acked, 'after the storm'].filter((t) => !counts.has(t));
    expect(missing).toEqual([]);
    expect([...counts].filter(([, c]) => c > 1)).toEqual([]);
    expect(texts.filter((t) => t !== 'after the storm' && !attempted.has(t))).toEqual([]);

    // A rebuild after the storm leaves exactly what a rebuild into an empty folder writes.
    ok(dir, ['rebuild']);
    ok(dir, ['rebuild', '--out', 'fresh']);
    expect(readTree(path.join(dir, '.logbook'))).toEqual(readTree(path.join(dir, 'fresh')));
    console.log(`kill test: ${kills} kills in ${rounds} rounds (${killsLate} in the later half of a run, ${dangling} between object write and ref update), ${acked.size} acknowledged appends, ${texts.length} present, typical run ${Math.round(typicalMs)} ms, ${Math.round((Date.now() - t0) / 1000)} s`);
  }, TIMEOUT_MS);
});
