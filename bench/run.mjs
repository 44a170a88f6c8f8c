// `npm run bench`: Logbook's speed, always as a ratio to stock git or bare
// node doing the same work, measured side by side in one run. Prints a table,
// writes bench/results.json and the table in README.md (between the markers).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, WORK, fastImport, git, lastSession, lib, logbook, makeJournalRepo, nodeNoop, proc, scratch, time } from './lib.mjs';

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
  const dir = makeJournalRepo('core-10k', 10_000);
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
  row({ name: 'cold `logbook log` process, 10k-event journal', ms: logMs, baselineMs: noop, baseline: "vs `node -e ''`", target: '≤ 1.3×' });
  row({ name: 'stock git append (commit-tree + update-ref), same journal', ms: gitAppend, baselineMs: noop, baseline: "vs `node -e ''`" });
  row({ name: 'cold `logbook log` vs stock git append', ms: logMs, baselineMs: gitAppend, baseline: 'vs git commit-tree + update-ref' });
}

async function appendSuite() {
  const { Journal, GitStore } = lib();
  const dir = makeJournalRepo('append', 1);
  const journal = new Journal({ store: new GitStore(path.join(dir, '.git')), replica: 'benchreplica', actor: { name: 'Bench', email: 'bench@example.com' } });
  const n = 300;
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await journal.append([{ type: 'progress', session: lastSession(1), data: { text: `in-process ${i}`, status: 'current' } }]);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const eps = (n / ms) * 1000;
  const fi = scratch('fast-import');
  git(fi, 'init', '-q');
  const ft = process.hrtime.bigint();
  fastImport(fi, 10_000);
  const fiEps = (10_000 / (Number(process.hrtime.bigint() - ft) / 1e6)) * 1000;
  rows.push({ name: 'in-process append, one event per call', ms: round(eps), unit: 'events/s', baselineMs: round(fiEps), baseline: 'git fast-import events/s', ratio: round(eps / fiEps), target: '≥ 0.25×' });
  console.log(`${'in-process append, one event per call'.padEnd(58)} ${String(round(eps)).padStart(9)} events/s  ${round(eps / fiEps)}× git fast-import (${round(fiEps)} events/s)  (target ≥ 0.25×)`);
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
    const warm = await time(() => logbook(dir, 'rebuild', '--out', path.join(dir, '.logbook')), { runs, warmup: 1 });
    row({ name: `warm \`rebuild\`, ${n} events`, ms: warm, baselineMs: gitLog, baseline: 'vs git log --format=%B + JSON.parse' });
    const noop = await time(() => nodeNoop(), { runs });
    const resume = await time(() => logbook(dir, 'resume', lastSession(n)), { runs, warmup: 1 });
    row({ name: `\`resume\` with a warm cache, ${n} events`, ms: resume, baselineMs: noop, baseline: "vs `node -e ''`", target: n >= 100_000 ? '≤ 1.5×' : undefined });
    const tip = git(dir, 'rev-parse', ref).trim();
    fastImport(dir, 1000, { startClock: n + 1, parent: tip });
    const catchUp = (() => {
      const t = process.hrtime.bigint();
      logbook(dir, 'list');
      return Number(process.hrtime.bigint() - t) / 1e6;
    })();
    const gitNew = await time(() => proc('git', ['log', '--format=%B', `${tip}..${ref}`], { cwd: dir }), { runs: 3, warmup: 1 });
    row({ name: `catch-up after 1,000 new events, ${n} total`, ms: catchUp, baselineMs: gitNew, baseline: 'vs git log of the 1,000', target: '≤ 3×' });
  }
}

async function optionalSuite(file) {
  const p = path.join(ROOT, 'bench', file);
  if (!existsSync(p)) return;
  const mod = await import(pathToFileURL(p).href);
  const fn = mod.default ?? Object.values(mod).find((v) => typeof v === 'function');
  for (const r of await fn({ scratch, runs, makeJournalRepo, fastImport })) row(r);
}

console.log(`Logbook benchmark on ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, node ${process.version}, ${git(ROOT, '--version').trim()}\n`);
await coreSuite();
await appendSuite();
await readSuite();
await optionalSuite('hooks.mjs');
await optionalSuite('sync.mjs');

const machine = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, git: git(ROOT, '--version').trim(), platform: `${os.platform()} ${os.release()}` };
const result = { date: new Date().toISOString(), machine, seconds: Math.round((Date.now() - started) / 1000), rows };
writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(result, null, 2)}\n`);

const table = [
  `Measured ${result.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.platform}, node ${machine.node}, ${machine.git}; medians of ${runs} runs after warm-up.`,
  '',
  '| operation | Logbook | baseline | ratio | target |',
  '|---|---:|---|---:|---|',
  ...rows.map((r) => `| ${r.name} | ${r.ms} ${r.unit ?? 'ms'} | ${r.baseline ?? ''}${r.baselineMs !== undefined ? ` (${r.baselineMs}${r.unit === 'events/s' ? ' events/s' : ' ms'})` : ''} | ${r.ratio !== undefined ? `${r.ratio}×` : ''} | ${r.target ?? ''} |`),
].join('\n');
const readme = path.join(ROOT, 'README.md');
if (existsSync(readme)) {
  const text = readFileSync(readme, 'utf8');
  const next = text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`);
  if (next !== text) writeFileSync(readme, next);
}
rmSync(WORK, { recursive: true, force: true });
console.log(`\nWrote bench/results.json${existsSync(readme) ? ' and the table in README.md' : ''} (${result.seconds} s).`);
