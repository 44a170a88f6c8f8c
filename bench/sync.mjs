// Sync speed: `logbook sync` (one CLI process: fetch every journal ref through
// a staging namespace, fast-forward checks, push of this replica's ref)
// against native `git push` + `git fetch` of the same refs, onto a remote that
// already holds a 10,000-event history. Every run starts from fresh copies of
// the same repositories, so both sides move exactly the same commits.
//
// Beside them, bare `node -e ''` against the same one-event push + fetch: the floor any node CLI
// starts from, measured between the same runs.
//
// Standalone: `node bench/sync.mjs [scratch-dir]` (after `npm run build`); `npm run bench` runs it too.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, fastImport, git, median, proc } from './lib.mjs';

const HISTORY = 10_000;
const REPLICA = 'benchreplica'; // this clone's replica id (makeJournalRepo's)
const OTHER = 'otherreplica1';
const ownRef = `refs/logbook/replicas/${REPLICA}`;

function bare(dir) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '--bare');
  return dir;
}

function clone(root, name) {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Bench');
  git(dir, 'config', 'user.email', 'bench@example.com');
  git(dir, 'config', 'logbook.replica', REPLICA);
  return dir;
}

const ms = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

/**
 * Rows `{name, ms, baselineMs, ratio, baseline}`: median wall time of
 * `logbook sync` vs `git push` + `git fetch`, each on its own fresh copy.
 */
export default async function syncBench({ dir, scratch, runs = 5 } = {}) {
  const root = dir ?? (scratch ? scratch('sync') : mkdtempSync(path.join(os.tmpdir(), 'logbook-bench-sync-')));
  // The starting point: this clone and the remote both hold the same 10,000 events of this replica.
  const seed = clone(root, 'seed');
  const tip = fastImport(seed, HISTORY, { replica: REPLICA });
  const remote = bare(path.join(root, 'remote.git'));
  git(seed, 'push', '-q', remote, `${ownRef}:${ownRef}`);
  // Another replica's history on the remote, for the fetch direction.
  const other = clone(root, 'other');
  git(other, 'config', 'logbook.replica', OTHER);
  const otherBase = fastImport(other, 10, { replica: OTHER });
  git(other, 'push', '-q', remote, `refs/logbook/replicas/${OTHER}:refs/logbook/replicas/${OTHER}`);
  git(seed, 'fetch', '-q', remote, 'refs/logbook/*:refs/logbook/*');
  git(seed, 'gc', '-q'); // packed, as a long-lived clone would be
  proc(process.execPath, [BIN, 'list'], { cwd: seed }); // the tip cache any earlier command leaves
  // The other replica's +1,000 events, pushed to a copy of the remote used by the fetch runs.
  const remoteWithNews = path.join(root, 'remote-news.git');
  cpSync(remote, remoteWithNews, { recursive: true });
  fastImport(other, 1000, { replica: OTHER, parent: otherBase, startClock: 11 });
  git(other, 'push', '-q', remoteWithNews, `refs/logbook/replicas/${OTHER}:refs/logbook/replicas/${OTHER}`);

  const floorMs = [];
  const scenario = (label, { add, fromRemote, floor = false }) => {
    const logbookMs = [];
    const gitMs = [];
    for (let i = 0; i <= runs; i++) {
      const run = path.join(root, `run-${label}-${i}`);
      const sides = ['logbook', 'git'].map((side) => {
        const r = path.join(run, `${side}-remote.git`);
        cpSync(fromRemote, r, { recursive: true });
        const c = path.join(run, side);
        cpSync(seed, c, { recursive: true });
        git(c, 'remote', 'add', 'origin', r);
        if (add) fastImport(c, add, { replica: REPLICA, parent: tip, startClock: HISTORY + 1 });
        return c;
      });
      const l = ms(() => proc(process.execPath, [BIN, 'sync'], { cwd: sides[0] }));
      const g = ms(() => {
        proc('git', ['push', '-q', 'origin', `${ownRef}:${ownRef}`], { cwd: sides[1] });
        proc('git', ['fetch', '-q', 'origin', 'refs/logbook/*:refs/logbook/*'], { cwd: sides[1] });
      });
      // Both sides ended in the same state, or the comparison would be meaningless.
      // The start-up any node CLI pays before its first line of code, measured between the same runs.
      const n = floor ? ms(() => proc(process.execPath, ['-e', ''])) : 0;
      const state = (c) => git(c, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/logbook/');
      if (state(sides[0]) !== state(sides[1])) throw new Error(`sync bench: logbook and git ended differently\n${state(sides[0])}\n${state(sides[1])}`);
      if (i > 0) {
        logbookMs.push(l);
        gitMs.push(g);
        if (floor) floorMs.push(n);
      }
      rmSync(run, { recursive: true, force: true });
    }
    const m = median(logbookMs);
    const b = median(gitMs);
    return { name: `\`logbook sync\` ${label}, 10k-event remote`, ms: m, baselineMs: b, ratio: m / b, baseline: 'vs git push + git fetch' };
  };

  const rows = [
    scenario('pushing +1 event', { add: 1, fromRemote: remote, floor: true }),
    scenario('pushing +1,000 events', { add: 1000, fromRemote: remote }),
    scenario('fetching +1,000 events of another replica', { add: 0, fromRemote: remoteWithNews }),
  ];
  // What a 1.5× target leaves a node CLI: bare `node -e ''` against the same git push + git fetch of one event.
  rows[0].target = '≤ 1.5×'; // issue 15
  const floor = median(floorMs);
  rows.splice(1, 0, { name: "`node -e ''` alone (the start-up of any node CLI), beside the +1-event git push + git fetch", ms: floor, baselineMs: rows[0].baselineMs, ratio: floor / rows[0].baselineMs, baseline: 'vs git push + git fetch' });
  if (!dir && !scratch) rmSync(root, { recursive: true, force: true });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await syncBench({ ...(process.argv[2] ? { dir: process.argv[2] } : {}), runs: Number(process.env.BENCH_RUNS ?? 5) });
  for (const r of rows) console.log(`${r.name.padEnd(70)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.ratio.toFixed(2)}× ${r.baseline} (${r.baselineMs.toFixed(1)} ms)`);
}
