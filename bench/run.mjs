// `npm run bench`: Logbook's speed, always as a ratio to stock git or bare
// node doing the same work, measured side by side in one run. Prints a table,
// writes bench/results.json and the table in README.md (between the markers).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, WORK, fastImport, git, gitEnv, lastSession, lib, logbook, makeJournalRepo, median, nodeNoop, proc, scratch, time, ulid } from './lib.mjs';

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const rows = [];
const started = Date.now();

function row(r) {
  const ratio = r.baselineMs ? r.ms / r.baselineMs : undefined;
  const out = { ...r, ms: round(r.ms), baselineMs: r.baselineMs === undefined ? undefined : round(r.baselineMs), ratio: ratio === undefined ? undefined : round(ratio) };
  rows.push(out);
  const ratioText = out.ratio === undefined ? '' : `  ${out.ratio}× ${r.baseline}${r.target ? `  (target ${r.target})` : ''}`;
  console.log(`${r.name.padEnd(58)} ${String(out.ms).padStart(9)} ${r.unit ?? 'ms'}${ratioText}`);
}
const round = (x) => Math.round(x * 100) / 100;

async function coreSuite() {
  const size = Math.max(...sizes);
  const dir = makeJournalRepo('core', size);
  logbook(dir, 'list'); // warm the tip cache once, as any earlier command would
  const noop = await time(() => nodeNoop(), { runs });
  const logMs = await time((i) => logbook(dir, 'log', '--progress', `bench ${i}`), { runs });
  const ref = 'refs/logbook/replicas/benchreplica';
  const tree = git(dir, 'hash-object', '-t', 'tree', '/dev/null').trim();
  const gitAppend = await time((i) => {
    const tip = git(dir, 'rev-parse', ref).trim();
    const commit = proc('git', ['commit-tree', tree, '-p', tip, '-m', `progress(s_bnch): git ${i}`], { cwd: dir }).trim();
    git(dir, 'update-ref', ref, commit, tip);
  }, { runs });
  row({ name: `cold \`logbook log\` process, ${size}-event journal`, ms: logMs, baselineMs: noop, baseline: "vs `node -e ''`", target: '≤ 1.3×' });
  row({ name: 'stock git append (commit-tree + update-ref), same journal', ms: gitAppend, baselineMs: noop, baseline: "vs `node -e ''`" });
  row({ name: 'cold `logbook log` vs stock git append', ms: logMs, baselineMs: gitAppend, baseline: 'vs git commit-tree + update-ref' });
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
  for (const n of sizes) {
    const dir = makeJournalRepo(`read-${n}`, n);
    const ref = 'refs/logbook/replicas/benchreplica';
    const gitLog = await time(() => {
      const out = proc('git', ['log', '--format=%B%x00', ref], { cwd: dir });
      let count = 0;
      for (const msg of out.split('\0')) {
        const i = msg.indexOf('\n\n');
        if (i >= 0) {
          JSON.parse(msg.slice(i + 2));
          count++;
        }
      }
      if (count < n) throw new Error(`git log read ${count} of ${n}`);
    }, { runs: Math.min(runs, 5), warmup: 1 });
    const cache = path.join(dir, '.git', 'logbook');
    const cold = await time(() => {
      rmSync(cache, { recursive: true, force: true });
      logbook(dir, 'rebuild', '--out', path.join(dir, '.logbook'));
    }, { runs: Math.min(runs, 5), warmup: 1 });
    row({ name: `cold \`rebuild\` (no cache), ${n} events`, ms: cold, baselineMs: gitLog, baseline: 'vs git log --format=%B + JSON.parse', target: n >= 100_000 ? '≤ 2×' : undefined });
    if (n === Math.max(...sizes)) {
      // Memory: peak resident set of a cold rebuild (GNU time's %M, in KiB), where /usr/bin/time exists.
      if (existsSync('/usr/bin/time')) {
        rmSync(cache, { recursive: true, force: true });
        const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'rebuild', '--out', path.join(dir, '.logbook')], { cwd: dir, encoding: 'utf8' });
        const kib = Number(r.stderr.trim().split('\n').at(-1));
        if (r.status === 0 && kib > 0) {
          rows.push({ name: `peak memory of a cold \`rebuild\`, ${n} events`, ms: round(kib / 1024), unit: 'MiB', target: '≤ 500 MiB' });
          console.log(`${`peak memory of a cold \`rebuild\`, ${n} events`.padEnd(58)} ${String(round(kib / 1024)).padStart(9)} MiB  (target ≤ 500 MiB)`);
        }
      }
      // Size: what an event costs in the repository once git has packed it.
      const gcDir = makeJournalRepo(`gc-${n}`, n);
      git(gcDir, 'gc', '-q', '--aggressive', '--prune=now');
      const packDir = path.join(gcDir, '.git', 'objects', 'pack');
      const bytes = readdirSync(packDir).filter((f) => f.endsWith('.pack')).reduce((sum, f) => sum + statSync(path.join(packDir, f)).size, 0);
      rows.push({ name: `packed size per event after git gc, ${n} events`, ms: round(bytes / n), unit: 'bytes', target: '≤ 400 bytes' });
      console.log(`${`packed size per event after git gc, ${n} events`.padEnd(58)} ${String(round(bytes / n)).padStart(9)} bytes  (target ≤ 400 bytes)`);
      rmSync(gcDir, { recursive: true, force: true });
    }
    const warm = await time(() => logbook(dir, 'rebuild', '--out', path.join(dir, '.logbook')), { runs, warmup: 1 });
    row({ name: `warm \`rebuild\`, ${n} events`, ms: warm, baselineMs: gitLog, baseline: 'vs git log --format=%B + JSON.parse' });
    const noop = await time(() => nodeNoop(), { runs });
    const resume = await time(() => logbook(dir, 'resume', lastSession(n)), { runs, warmup: 1 });
    row({ name: `\`resume\` with a warm cache, ${n} events`, ms: resume, baselineMs: noop, baseline: "vs `node -e ''`", target: n >= 100_000 ? '≤ 1.5×' : undefined });
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
      fastImport(dir, 1000, { replica: 'otherreplica', startClock: n + 1 + round * 1000, ...(before ? { parent: before } : {}) });
      const t = process.hrtime.bigint();
      const snap = await journal.load();
      catchUps.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (snap.sessions.sessions.size === 0) throw new Error('catch-up read nothing');
      const g = process.hrtime.bigint();
      const out = proc('git', ['log', '--format=%B%x00', ...(before ? [`${before}..${other}`] : [other])], { cwd: dir });
      for (const msg of out.split('\0')) if (msg.includes('\n\n')) JSON.parse(msg.slice(msg.indexOf('\n\n') + 2));
      gitReads.push(Number(process.hrtime.bigint() - g) / 1e6);
    }
    const catchUp = median(catchUps);
    const gitNew = median(gitReads);
    row({ name: `catch-up after 1,000 fetched events, ${n} total (in-process)`, ms: catchUp, baselineMs: gitNew, baseline: 'vs git log of the 1,000 + JSON.parse', target: '≤ 3×' });
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
      row({ name: `first command (\`list\`) on a clone that fetched ${n} events`, ms: first, baselineMs: gitLog, baseline: 'vs git log --format=%B + JSON.parse', target: limits });
      if (existsSync('/usr/bin/time')) {
        rmSync(cloneCache, { recursive: true, force: true });
        const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'list'], { cwd: clone, encoding: 'utf8' });
        const kib = Number(r.stderr.trim().split('\n').at(-1));
        if (r.status === 0 && kib > 0) {
          const name = `peak memory of that first command, ${n} events`;
          rows.push({ name, ms: round(kib / 1024), unit: 'MiB', target: n >= 100_000 ? '≤ 300 MiB' : undefined });
          console.log(`${name.padEnd(58)} ${String(round(kib / 1024)).padStart(9)} MiB${n >= 100_000 ? '  (target ≤ 300 MiB)' : ''}`);
        }
      }
      rmSync(clone, { recursive: true, force: true });
    }
  }
  await manySessionsStats(2000, 20);
}

/**
 * `logbook stats` (warm cache) on a journal of many short sessions written by
 * people and agents: `sessions` sessions of `perSession` events each, mostly
 * progress, decisions, discoveries and next steps with real text, all closed
 * but the last.
 */
async function manySessionsStats(sessions, perSession) {
  const { commitMessage } = lib();
  const dir = scratch(`stats-${sessions}`);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'logbook.replica', 'benchreplica');
  git(dir, 'config', 'user.name', 'Bench');
  git(dir, 'config', 'user.email', 'bench@example.com');
  const actor = { name: 'Bench', email: 'bench@example.com' };
  const t0 = Date.UTC(2026, 0, 1, 9, 0, 0);
  const ref = 'refs/logbook/replicas/benchreplica';
  const parts = [];
  let clock = 0;
  const b36 = (x) => x.toString(36).padStart(4, '0').slice(-4);
  for (let s = 0; s < sessions; s++) {
    const day = String(1 + Math.floor(s / 600)).padStart(2, '0');
    const session = `202601${day}_${String(Math.floor((s % 600) / 60) + 8).padStart(2, '0')}${String(s % 60).padStart(2, '0')}_${b36(s + 1000)}`;
    for (let k = 0; k < perSession; k++) {
      clock++;
      const ms = t0 + clock * 60_000;
      const base = { id: ulid(ms, clock), v: 1, at: new Date(ms).toISOString(), session, actor, clock, replica: 'benchreplica' };
      const text = `${['Moved', 'Checked', 'Found', 'Wrote'][k % 4]} the ${['parser', 'cache', 'hook', 'sync'][clock % 4]} ${k}: ${'the reason it matters and what follows from it '.repeat(1 + (clock % 3))}`.trim();
      let e;
      if (k === 0) e = { ...base, type: 'session.started', data: { title: `Session ${s}: ${text.slice(0, 40)}`, shortname: `work-${b36(s + 1000)}`, taskIds: [], meta: {} } };
      else if (k === perSession - 1 && s < sessions - 1) e = { ...base, type: 'session.closed', data: { outcome: 'completed', learnings: [text.slice(0, 60)], tasksCompleted: [] } };
      else if (k % 4 === 1) e = { ...base, type: 'progress', data: { text, status: k % 8 === 1 ? 'done' : 'current' } };
      else if (k % 4 === 2) e = { ...base, type: 'decision', data: { text, rationale: 'measured, then chosen' } };
      else if (k % 4 === 3) e = { ...base, type: 'discovery', data: { text } };
      else e = { ...base, type: 'next', data: { text } };
      const msg = Buffer.from(commitMessage(e));
      const ts = Math.floor(ms / 1000);
      parts.push(Buffer.from(`commit ${ref}\nauthor Bench <bench@example.com> ${ts} +0000\ncommitter Bench <bench@example.com> ${ts} +0000\ndata ${msg.length}\n`), msg, Buffer.from('deleteall\n\n'));
    }
  }
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: Buffer.concat(parts), env: gitEnv, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  logbook(dir, 'stats'); // warm the cache, as any earlier command would
  const noop = await time(() => nodeNoop(), { runs });
  const stats = await time(() => logbook(dir, 'stats'), { runs, warmup: 1 });
  row({ name: `\`stats\` with a warm cache, ${sessions} sessions of ${perSession} events`, ms: stats, baselineMs: noop, baseline: "vs `node -e ''`", target: '≤ 1.5×' });
  rmSync(dir, { recursive: true, force: true });
}


async function optionalSuite(file) {
  const p = path.join(ROOT, 'bench', file);
  if (!existsSync(p)) return;
  const mod = await import(pathToFileURL(p).href);
  const fn = mod.default ?? Object.values(mod).find((v) => typeof v === 'function');
  for (const r of await fn({ scratch, runs, makeJournalRepo, fastImport })) row(r);
}

console.log(`Logbook benchmark on ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, node ${process.version}, ${git(ROOT, '--version').trim()}\n`);
// BENCH_ONLY=hooks,sync runs those suites alone (names: core, append, read and the bench/*.mjs files
// without .mjs) and prints them without touching bench/results.json or the README: a partial run
// must not replace the full table.
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const suites = [
  ['core', coreSuite],
  ['append', appendSuite],
  ['read', readSuite],
  ...['hooks', 'sync', 'timetravel', 'doctor', 'code', 'search', 'serve'].map((name) => [name, () => optionalSuite(`${name}.mjs`)]),
];
for (const [name, run] of suites) if (!only || only.has(name)) await run();
if (only) {
  rmSync(WORK, { recursive: true, force: true });
  console.log(`\nPartial run (BENCH_ONLY=${process.env.BENCH_ONLY}): bench/results.json and README.md left as they were (${Math.round((Date.now() - started) / 1000)} s).`);
  process.exit(0);
}

const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, git: git(ROOT, '--version').trim(), platform: `${os.platform()} ${os.release()}` };
const result = { date: new Date().toISOString(), machine, seconds: Math.round((Date.now() - started) / 1000), rows };
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
rmSync(WORK, { recursive: true, force: true });
console.log(`\nWrote bench/results.json${existsSync(readme) ? ' and the table in README.md' : ''} (${result.seconds} s).`);
