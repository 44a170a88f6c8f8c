// Search rows of `npm run bench` (issue 12): a warm `logbook search` process
// against node's start-up and against grep over `git log`, the index update
// after a fetch of 1,000 events against indexing those alone, the cold build
// against reading the journal with git, and the index's size on disk.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT, WORK, fastImport as importEvents, git, gitEnv, logbook, makeJournalRepo as makeRepo, median, nodeNoop, proc, time } from './lib.mjs';

const WORD = 'regression';
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export default async function searchSuite({ runs, makeJournalRepo = makeRepo, fastImport = importEvents, sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number) }) {
  const n = Math.max(...sizes);
  const rows = [];
  const libFile = path.join(WORK, 'searchlib.cjs');
  await build({ entryPoints: [path.join(ROOT, 'bench', 'searchEntry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: libFile, logLevel: 'warning' });
  const L = createRequire(import.meta.url)(libFile);

  const dir = makeJournalRepo('search', n);
  const gitdir = path.join(dir, '.git');
  const index = L.searchDir(gitdir);
  logbook(dir, 'search', WORD); // builds the event cache and the index, as the first search does

  const noop = await time(() => nodeNoop(), { runs });
  const warm = await time(() => logbook(dir, 'search', WORD), { runs, warmup: 1 });
  const grep = await time(() => {
    const r = spawnSync('sh', ['-c', `git log --format=%B --glob='refs/logbook/*' | grep ${WORD}`], { cwd: dir, env: gitEnv, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git log | grep failed: ${r.stderr}`);
  }, { runs: Math.min(runs, 5), warmup: 1 });
  rows.push({ name: `warm \`logbook search ${WORD}\`, ${n} events`, ms: warm, baselineMs: noop, baseline: "vs `node -e ''`", target: '≤ 1.5×' });
  rows.push({ name: `warm \`logbook search ${WORD}\`, ${n} events`, ms: warm, baselineMs: grep, baseline: 'vs git log --format=%B | grep', target: '≤ 0.5×' });

  // Cold build from the (warm) event cache, in-process; against git reading the journal and parsing every event.
  const gitRead = await time(() => {
    const out = proc('git', ['log', '--format=%B%x00', '--glob=refs/logbook/*'], { cwd: dir });
    for (const msg of out.split('\0')) if (msg.includes('\n\n')) JSON.parse(msg.slice(msg.indexOf('\n\n') + 2));
  }, { runs: Math.min(runs, 5), warmup: 1 });
  const cold = await time(async () => {
    rmSync(index, { recursive: true, force: true });
    await L.openCorpus(new L.GitStore(gitdir), index);
  }, { runs: Math.min(runs, 5), warmup: 1 });
  rows.push({ name: `cold search index build, ${n} events (in-process)`, ms: cold, baselineMs: gitRead, baseline: 'vs git log --format=%B + JSON.parse', target: '≤ 2×' });
  const bytes = readdirSync(index).reduce((sum, f) => sum + statSync(path.join(index, f)).size, 0);
  rows.push({ name: `search index size on disk per event, ${n} events`, ms: bytes / n, unit: 'bytes', target: '≤ 60 bytes' });

  // Another replica's 1,000 events arrive (as a fetch brings them); the index takes in only those.
  const before = L.loadCorpus(index).tips;
  fastImport(dir, 1000, { replica: 'otherreplica', startClock: n + 1 });
  const delta = await new L.GitStore(gitdir).readNew(before);
  if (!delta.complete || delta.events.length !== 1000) throw new Error(`expected 1,000 new events, got ${delta.events.length}`);
  // Segment files never change once written: going back to the 100k index is its manifest plus removing the new segment.
  const manifest = path.join(index, 'manifest.json');
  const savedManifest = readFileSync(manifest);
  const savedFiles = new Set(readdirSync(index));
  const updates = [];
  const alone = [];
  for (let i = 0; i < 2 * runs + 1; i++) {
    for (const f of readdirSync(index)) if (!savedFiles.has(f)) rmSync(path.join(index, f));
    writeFileSync(manifest, savedManifest);
    // CPU time of this process: the work, which a machine shared with other jobs does not inflate as it does wall time.
    // The two alternate which runs first, so that neither gains from what the other left warm.
    const fresh = path.join(WORK, 'search-index-alone');
    rmSync(fresh, { recursive: true, force: true });
    mkdirSync(fresh, { recursive: true });
    const update = async () => {
      const t = cpuMs();
      await L.updateCorpus(index, delta.events, delta.tips);
      return cpuMs() - t;
    };
    const indexAlone = async () => {
      const t = cpuMs();
      await L.saveCorpus(fresh, L.corpusOf(delta.events, delta.tips), undefined);
      return cpuMs() - t;
    };
    let u;
    let a;
    if (i % 2) {
      a = await indexAlone();
      u = await update();
    } else {
      u = await update();
      a = await indexAlone();
    }
    if (i > 0) {
      updates.push(u);
      alone.push(a);
    }
  }
  rows.push({ name: `search index update after fetching 1,000 events, ${n} total (in-process, CPU time)`, ms: median(updates), baselineMs: median(alone), baseline: 'vs indexing those 1,000 alone', target: '≤ 2×' });
  rmSync(dir, { recursive: true, force: true });
  void git;
  return rows;
}
