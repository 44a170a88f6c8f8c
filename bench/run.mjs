// `npm run bench`: Logbook's speed, always as a ratio to stock git or bare
// node doing the same work, measured side by side in one run. Prints a table,
// writes bench/results.json and the table in README.md (between the markers).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, WORK, fastImport, git, gitEnv, interleaved, journalInfo, lastSession, lib, logbook, makeJournalRepo, median, nodeNoop, proc, scratch, shapeLabel, time } from './lib.mjs';

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 7);
// Every row that reads a journal is measured on both shapes (bench/lib.mjs): hook-fed (sessions of
// 500 events, mostly tool.used) and short sessions (thousands of 10–60-event sessions by people and
// agents on three clones). A view flat on one and linear on the other is what this is for.
const shapes = (process.env.BENCH_SHAPES ?? 'hook,short').split(',').map((s) => s.trim());
const rows = [];
const started = Date.now();

function row(r) {
  const ratio = r.baselineMs ? r.ms / r.baselineMs : undefined;
  const out = { ...r, ms: round(r.ms), baselineMs: r.baselineMs === undefined ? undefined : round(r.baselineMs), ratio: ratio === undefined ? undefined : round(ratio) };
  rows.push(out);
  const ratioText = out.ratio === undefined ? '' : `  ${out.ratio}× ${r.baseline}`;
  console.log(`${r.name.padEnd(96)} ${String(out.ms).padStart(9)} ${r.unit ?? 'ms'}${ratioText}${r.target ? `  (target ${r.target})` : ''}`);
}
const round = (x) => Math.round(x * 100) / 100;

async function coreSuite() {
  const size = Math.max(...sizes);
  for (const shape of shapes) {
    const dir = makeJournalRepo(`core-${shape}`, size, { shape }); // its cache warm, as any earlier command leaves it
    // Stock git appends onto a ref of its own (beside the journal, same repository): on the replica's ref
    // its commits, which are not events, would be read by every `log` that follows in the interleaving.
    const ref = 'refs/bench/git-append';
    git(dir, 'update-ref', ref, git(dir, 'rev-parse', 'refs/logbook/replicas/benchreplica').trim());
    const tree = git(dir, 'hash-object', '-t', 'tree', '/dev/null').trim();
    // The baseline, the command and stock git take turns (bench/lib.mjs interleaved), as in the other suites.
    const [noop, logMs, gitAppend] = await interleaved(
      [
        () => nodeNoop(),
        (i) => logbook(dir, 'log', '--progress', `bench ${i}`),
        (i) => {
          const tip = git(dir, 'rev-parse', ref).trim();
          const commit = proc('git', ['commit-tree', tree, '-p', tip, '-m', `progress(s_bnch): git ${i}`], { cwd: dir }).trim();
          git(dir, 'update-ref', ref, commit, tip);
        },
      ],
      { runs, warmup: 2 },
    );
    const label = shapeLabel(shape);
    row({ name: `cold \`logbook log\` process, ${size}-event journal, ${label}`, ms: logMs, baselineMs: noop, baseline: "vs `node -e ''`", target: '≤ 1.3×' });
    row({ name: `stock git append (commit-tree + update-ref), same journal, ${label}`, ms: gitAppend, baselineMs: noop, baseline: "vs `node -e ''`" });
    row({ name: `cold \`logbook log\` vs stock git append, ${label}`, ms: logMs, baselineMs: gitAppend, baseline: 'vs git commit-tree + update-ref' });
  }
}

async function appendSuite() {
  const { Journal, GitStore } = lib();
  const dir = makeJournalRepo('append', 1);
  const journal = new Journal({ store: new GitStore(path.join(dir, '.git')), replica: 'benchreplica', actor: { name: 'Bench', email: 'bench@example.com' } });
  const session = lastSession(1);
  const draft = (i) => ({ type: 'tool.used', session, data: { tool: 'Bash', success: true, durationMs: i % 900 } });
  const rate = async (events, perCall) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < events; i += perCall) await journal.append(Array.from({ length: perCall }, (_, k) => draft(i + k)));
    return (events / (Number(process.hrtime.bigint() - t) / 1e6)) * 1000;
  };
  await rate(200, 100); // warm-up
  const single = await rate(300, 1);
  const batched = await rate(10_000, 100);
  const fi = scratch('fast-import');
  git(fi, 'init', '-q');
  const ft = process.hrtime.bigint();
  fastImport(fi, 10_000);
  const fiEps = (10_000 / (Number(process.hrtime.bigint() - ft) / 1e6)) * 1000;
  for (const [name, eps, target] of [
    ['in-process append, batches of 100 (a hook spool flush)', batched, '≥ 0.25×'],
    ['in-process append, one event per call (validated, redacted, fsynced)', single, undefined],
  ]) {
    rows.push({ name, ms: round(eps), unit: 'events/s', baselineMs: round(fiEps), baseline: 'git fast-import, same commits', ratio: round(eps / fiEps), target });
    console.log(`${name.padEnd(58)} ${String(round(eps)).padStart(9)} events/s  ${round(eps / fiEps)}× git fast-import (${round(fiEps)} events/s)${target ? `  (target ${target})` : ''}`);
  }
}

async function readSuite() {
  for (const shape of shapes) for (const n of sizes) await readRows(shape, n);
}

/** The read rows of one journal: `shape` (bench/lib.mjs SHAPES) and `n` events. */
async function readRows(shape, n) {
  const big = n >= 100_000; // a figure of seconds: fewer runs, stable enough
  const label = shapeLabel(shape);
  const info = journalInfo(shape, n);
  let gitLog; // git log + JSON.parse of the whole journal: the baseline of the cold reads, and of a fresh clone's first command
  {
    const dir = makeJournalRepo(`read-${shape}-${n}`, n, { shape });
    const refs = git(dir, 'for-each-ref', '--format=%(refname)', 'refs/logbook/replicas/').trim().split('\n');
    gitLog = await time(() => {
      const out = proc('git', ['log', '--format=%B%x00', ...refs], { cwd: dir });
      let count = 0;
      for (const msg of out.split('\0')) {
        const i = msg.indexOf('\n\n');
        if (i >= 0) {
          JSON.parse(msg.slice(i + 2));
          count++;
        }
      }
      if (count < n) throw new Error(`git log read ${count} of ${n}`);
    }, { runs: big ? 3 : Math.min(runs, 5), warmup: 1 });
    const cache = path.join(dir, '.git', 'logbook');
    // At the largest size each cold run also reports its peak resident set (GNU time's %M, in KiB), where /usr/bin/time exists.
    const withPeak = n === Math.max(...sizes) && existsSync('/usr/bin/time');
    const peaks = [];
    const cold = await time(() => {
      rmSync(cache, { recursive: true, force: true });
      if (!withPeak) return logbook(dir, 'rebuild', '--out', path.join(dir, '.logbook'));
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'rebuild', '--out', path.join(dir, '.logbook')], { cwd: dir, encoding: 'utf8', env: { ...gitEnv, LOGBOOK_AGENT: undefined } });
      if (r.status !== 0) throw new Error(`rebuild failed: ${r.stderr}`);
      peaks.push(Number(r.stderr.trim().split('\n').at(-1)));
    }, { runs: big ? 3 : Math.min(runs, 5), warmup: big ? 0 : 1 });
    row({ name: `cold \`rebuild\` (no cache), ${n} events, ${label}`, ms: cold, baselineMs: gitLog, baseline: 'vs git log --format=%B + JSON.parse', target: big ? '≤ 2×' : undefined });
    if (n === Math.max(...sizes)) {
      if (peaks.length && peaks.every((k) => k > 0)) row({ name: `peak memory of a cold \`rebuild\`, ${n} events, ${label}`, ms: Math.max(...peaks) / 1024, unit: 'MiB', target: '≤ 500 MiB' });
      // Size: what an event costs in the repository once git has packed it.
      const gcDir = makeJournalRepo(`gc-${shape}-${n}`, n, { shape, gc: true });
      const packDir = path.join(gcDir, '.git', 'objects', 'pack');
      const bytes = readdirSync(packDir).filter((f) => f.endsWith('.pack')).reduce((sum, f) => sum + statSync(path.join(packDir, f)).size, 0);
      row({ name: `packed size per event after git gc, ${n} events, ${label}`, ms: bytes / n, unit: 'bytes', target: '≤ 400 bytes' });
      rmSync(gcDir, { recursive: true, force: true });
    }
    const warm = await time(() => logbook(dir, 'rebuild', '--out', path.join(dir, '.logbook')), { runs: big ? 3 : runs, warmup: 1 });
    row({ name: `warm \`rebuild\`, ${n} events, ${label}`, ms: warm, baselineMs: gitLog, baseline: 'vs git log --format=%B + JSON.parse' });
    rmSync(dir, { recursive: true, force: true });
  }
  // Warm-cache commands on a fresh copy (the rebuilds above wrote session files a user's copy would not have).
  const dir = makeJournalRepo(`warm-${shape}-${n}`, n, { shape });
  const noop = await time(() => nodeNoop(), { runs });
  const vsNode = "vs `node -e ''`";
  const resume = await time(() => logbook(dir, 'resume', info.openSession), { runs, warmup: 1 });
  row({ name: `\`resume\` with a warm cache, ${n} events, ${label}`, ms: resume, baselineMs: noop, baseline: vsNode, target: big ? '≤ 1.5×' : undefined });
  const sessionsText = `${info.sessionCount.toLocaleString('en-US')} session${info.sessionCount === 1 ? '' : 's'}`;
  const list = await time(() => logbook(dir, 'list'), { runs, warmup: 1 });
  row({ name: `\`logbook list\` with a warm cache, ${n} events (${sessionsText}), ${label}`, ms: list, baselineMs: noop, baseline: vsNode, target: '≤ 1.5×' });
  const stats = await time(() => logbook(dir, 'stats'), { runs, warmup: 1 });
  row({ name: `\`logbook stats\` with a warm cache, ${n} events (${sessionsText}), ${label}`, ms: stats, baselineMs: noop, baseline: vsNode, target: '≤ 1.5×' });
  // Catch-up: another replica's 1,000 new events arrive (as a fetch would bring them, packed);
  // the next read folds only those. In-process, so the figure is the work, not node's start-up.
  const { Journal, GitStore } = lib();
  const journal = new Journal({ store: new GitStore(path.join(dir, '.git')), replica: 'benchreplica', actor: { name: 'Bench', email: 'bench@example.com' } });
  await journal.load();
  const catchUps = [];
  const gitReads = [];
  for (let round = 0; round < 3; round++) {
    const other = `refs/logbook/replicas/otherreplica`;
    let before = '';
    try {
      before = git(dir, 'rev-parse', '--verify', '-q', other).trim();
    } catch {}
    fastImport(dir, 1000, { shape, replica: 'otherreplica', startClock: n + 1 + round * 1000, ...(before ? { parent: before } : {}) });
    const t = process.hrtime.bigint();
    const snap = await journal.load();
    catchUps.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (snap.sessions.sessions.size === 0) throw new Error('catch-up read nothing');
    const g = process.hrtime.bigint();
    const out = proc('git', ['log', '--format=%B%x00', ...(before ? [`${before}..${other}`] : [other])], { cwd: dir });
    for (const msg of out.split('\0')) if (msg.includes('\n\n')) JSON.parse(msg.slice(msg.indexOf('\n\n') + 2));
    gitReads.push(Number(process.hrtime.bigint() - g) / 1e6);
  }
  row({ name: `catch-up after 1,000 fetched events, ${n} total (in-process), ${label}`, ms: median(catchUps), baselineMs: median(gitReads), baseline: 'vs git log of the 1,000 + JSON.parse', target: '≤ 3×' });
  if (n === Math.max(...sizes)) {
    // A clone that just fetched the journal (one pack, no cache): its first command reads and validates every event.
    const clone = scratch(`clone-${n}`);
    git(clone, 'init', '-q', '-b', 'main');
    git(clone, 'fetch', '-q', dir, 'refs/logbook/*:refs/logbook/*');
    git(clone, 'config', 'user.name', 'Bench');
    git(clone, 'config', 'user.email', 'bench@example.com');
    logbook(clone, 'init');
    const cloneCache = path.join(clone, '.git', 'logbook');
    const first = await time(() => {
      rmSync(cloneCache, { recursive: true, force: true });
      logbook(clone, 'list');
    }, { runs: Math.min(runs, 5), warmup: 1 });
    const limits = n >= 100_000 ? '≤ 2×, ≤ 300 MiB' : undefined;
    row({ name: `first command (\`list\`) on a clone that fetched ${n} events, ${label}`, ms: first, baselineMs: gitLog, baseline: 'vs git log --format=%B + JSON.parse', target: limits });
    if (existsSync('/usr/bin/time')) {
      rmSync(cloneCache, { recursive: true, force: true });
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'list'], { cwd: clone, encoding: 'utf8' });
      const kib = Number(r.stderr.trim().split('\n').at(-1));
      if (r.status === 0 && kib > 0) {
        const name = `peak memory of that first command, ${n} events, ${label}`;
        rows.push({ name, ms: round(kib / 1024), unit: 'MiB', target: n >= 100_000 ? '≤ 300 MiB' : undefined });
        console.log(`${name.padEnd(58)} ${String(round(kib / 1024)).padStart(9)} MiB${n >= 100_000 ? '  (target ≤ 300 MiB)' : ''}`);
      }
    }
    rmSync(clone, { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
}

// Suites that read a journal run once per shape, on that shape's journals (copies of the ones
// generated once per run): `makeJournalRepo`, `fastImport` and `journal` (what lib.mjs's journalInfo
// says about it: its open session, a moment inside it, …) are bound to the shape, and each row's name
// gets the shape's label. `sync` builds its own remote and clones and runs on the hook-fed shape only.
const perShape = new Set(['hooks', 'timetravel', 'doctor', 'code', 'search', 'serve']);
async function optionalSuite(name) {
  const p = path.join(ROOT, 'bench', `${name}.mjs`);
  if (!existsSync(p)) return;
  const mod = await import(pathToFileURL(p).href);
  const fn = mod.default ?? Object.values(mod).find((v) => typeof v === 'function');
  for (const shape of perShape.has(name) ? shapes : ['hook']) {
    const options = {
      scratch,
      runs,
      sizes,
      shape,
      makeJournalRepo: (dirName, n, o = {}) => makeJournalRepo(`${dirName}-${shape}`, n, { ...o, shape }),
      fastImport: (dir, n, o = {}) => fastImport(dir, n, { shape, ...o }),
      journal: (n) => journalInfo(shape, n),
    };
    for (const r of await fn(options)) row({ ...r, name: `${r.name}, ${shapeLabel(shape)}` });
  }
}

console.log(`Logbook benchmark on ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, node ${process.version}, ${git(ROOT, '--version').trim()}\n`);
// BENCH_ONLY=hooks,sync runs those suites alone (names: core, append, read and the bench/*.mjs files
// without .mjs) and prints them without touching bench/results.json or the README: a partial run
// must not replace the full table. BENCH_SHAPES=short (or hook) measures one journal shape.
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const suites = [
  ['core', coreSuite],
  ['append', appendSuite],
  ['read', readSuite],
  ...['hooks', 'sync', 'timetravel', 'doctor', 'code', 'search', 'serve'].map((name) => [name, () => optionalSuite(name)]),
];
const suiteSeconds = {};
for (const [name, run] of suites) {
  if (only && !only.has(name)) continue;
  const t = Date.now();
  await run();
  suiteSeconds[name] = Math.round((Date.now() - t) / 1000);
  console.log(`-- suite ${name}: ${suiteSeconds[name]} s`);
}
// BENCH_KEEP=1 keeps bench/work/templates (the generated journals) for the next run: for developing one suite.
const cleanUp = () => {
  if (!process.env.BENCH_KEEP) return rmSync(WORK, { recursive: true, force: true });
  for (const f of readdirSync(WORK)) if (f !== 'templates') rmSync(path.join(WORK, f), { recursive: true, force: true });
};
if (only) {
  cleanUp();
  console.log(`\nPartial run (BENCH_ONLY=${process.env.BENCH_ONLY}): bench/results.json and README.md left as they were (${Math.round((Date.now() - started) / 1000)} s).`);
  process.exit(0);
}

const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, git: git(ROOT, '--version').trim(), platform: `${os.platform()} ${os.release()}` };
const result = { date: new Date().toISOString(), machine, seconds: Math.round((Date.now() - started) / 1000), suiteSeconds, rows };
writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(result, null, 2)}\n`);

const table = [
  `Measured ${result.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.platform}, node ${machine.node}, ${machine.git}; medians of ${runs} runs after warm-up.`,
  '',
  '| operation | Logbook | baseline | ratio | target |',
  '|---|---:|---|---:|---|',
  ...rows.map((r) => `| ${r.name} | ${r.ms} ${r.unit ?? 'ms'} | ${r.baseline ?? ''}${r.baselineMs !== undefined ? ` (${r.baselineMs} ${r.unit === 'events/s' ? 'events/s' : 'ms'})` : ''} | ${r.ratio !== undefined ? `${r.ratio}×` : ''} | ${r.target ?? ''} |`),
].join('\n');
const readme = path.join(ROOT, 'README.md');
if (existsSync(readme)) {
  const text = readFileSync(readme, 'utf8');
  const next = text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`);
  if (next !== text) writeFileSync(readme, next);
}
cleanUp();
console.log(`\nWrote bench/results.json${existsSync(readme) ? ' and the table in README.md' : ''} (${result.seconds} s).`);
