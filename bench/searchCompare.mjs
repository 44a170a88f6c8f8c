// `node bench/searchCompare.mjs [COUNT]`: the measurement behind the search
// index's design (README, "Search"). The same 100k generated events indexed by
// MiniSearch (a well-kept JS full-text library, BM25+, prefix search) and by
// Logbook's own segmented index: cold build, update after 1,000 more, load
// in a fresh process, query time, size on disk. Run after `npm run build`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import MiniSearch from 'minisearch';
import { ROOT, WORK, generateEvents, median } from './lib.mjs';

const COUNT = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const dir = path.join(WORK, 'search-compare');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const libFile = path.join(dir, 'searchlib.cjs');
// isomorphic-git stays out (the index never loads it), so the fresh-process figure is the index's, not a git library's compile time.
await build({ entryPoints: [path.join(ROOT, 'bench', 'searchEntry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: libFile, logLevel: 'warning', external: ['isomorphic-git'] });
const { createRequire } = await import('node:module');
const L = createRequire(import.meta.url)(libFile);

const all = [...generateEvents(COUNT + 1000)];
const base = all.slice(0, COUNT);
const extra = all.slice(COUNT);
const tips = { benchreplica: 'x'.repeat(40) };
const ms = () => Number(process.hrtime.bigint()) / 1e6;
// Median and best run: on a shared machine the best run is the closer figure for the work itself.
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs) });
const timeIt = (fn) => {
  const xs = [];
  for (let i = 0; i < RUNS; i++) {
    const t = ms();
    fn(i);
    xs.push(ms() - t);
  }
  return summary(xs);
};
const timeAsync = async (fn) => {
  const xs = [];
  for (let i = 0; i < RUNS; i++) {
    const t = ms();
    await fn(i);
    xs.push(ms() - t);
  }
  return summary(xs);
};
const dirSize = (d) => readdirSync(d).reduce((n, f) => n + statSync(path.join(d, f)).size, 0);
/** A fresh node process that loads the index and runs one query: its wall time minus node's own start-up. */
const freshProcess = (script) => {
  const noop = timeIt(() => spawnSync(process.execPath, ['-e', '']));
  const run = timeIt(() => {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  });
  return { median: run.median - noop.median, min: run.min - noop.min };
};
const QUERY = 'regression';

// MiniSearch: documents are the same texts (events with text), fields text + type.
const docsOf = (events) => events.map((e) => ({ id: e.id, text: L.eventText(e), type: e.type })).filter((d) => d.text);
const msOptions = { fields: ['text'], storeFields: ['type'], searchOptions: { prefix: true } };
const msFile = path.join(dir, 'minisearch.json');
const msCold = timeIt(() => {
  const m = new MiniSearch(msOptions);
  m.addAll(docsOf(base));
  writeFileSync(msFile, JSON.stringify(m));
});
const msUpdate = timeIt(() => {
  // No incremental persistence: load the whole index, add, write it all again.
  const m = MiniSearch.loadJSON(readFileSync(msFile, 'utf8'), msOptions);
  m.addAll(docsOf(extra).map((d, i) => ({ ...d, id: `${d.id}${i}` })));
  writeFileSync(`${msFile}.new`, JSON.stringify(m));
});
const msAlone = timeIt(() => {
  const m = new MiniSearch(msOptions);
  m.addAll(docsOf(extra));
  writeFileSync(`${msFile}.alone`, JSON.stringify(m));
});
const msMem = (() => {
  const m = new MiniSearch(msOptions);
  m.addAll(docsOf(base));
  return m;
})();
const msQuery = timeIt(() => msMem.search(QUERY));
const msLoad = freshProcess(`const M=require(${JSON.stringify(path.join(ROOT, 'node_modules', 'minisearch', 'dist', 'cjs', 'index.cjs'))});const m=M.loadJSON(require('fs').readFileSync(${JSON.stringify(msFile)},'utf8'),${JSON.stringify(msOptions)});m.search(${JSON.stringify(QUERY)})`);
const msBytes = statSync(msFile).size;

// Logbook's own index: segments of typed arrays, one binary file each.
const ownDir = path.join(dir, 'own');
const ownCold = await timeAsync(async () => {
  rmSync(ownDir, { recursive: true, force: true });
  await L.saveCorpus(ownDir, L.corpusOf(base, tips), undefined);
});
const baseFiles = readdirSync(ownDir).map((f) => [f, path.join(ownDir, f)]);
const ownUpdate = await (async () => {
  const xs = [];
  for (let i = 0; i < RUNS; i++) {
    // Back to the 100k index each run, as the cold build saved it.
    rmSync(ownDir, { recursive: true, force: true });
    await L.saveCorpus(ownDir, L.corpusOf(base, tips), undefined);
    const t = ms();
    await L.updateCorpus(ownDir, extra, { ...tips, other: 'y'.repeat(40) });
    xs.push(ms() - t);
  }
  return summary(xs);
})();
void baseFiles;
const aloneDir = path.join(dir, 'alone');
const ownAlone = await timeAsync(async () => {
  rmSync(aloneDir, { recursive: true, force: true });
  await L.saveCorpus(aloneDir, L.corpusOf(extra, tips), undefined);
});
rmSync(ownDir, { recursive: true, force: true });
await L.saveCorpus(ownDir, L.corpusOf(base, tips), undefined);
const ownMem = L.loadCorpus(ownDir);
const clauses = L.parseQuery(QUERY);
L.evaluate(ownMem, clauses, {}, 20);
const ownQuery = timeIt(() => L.evaluate(ownMem, clauses, {}, 20));
const ownLoad = freshProcess(`const L=require(${JSON.stringify(libFile)});const c=L.loadCorpus(${JSON.stringify(ownDir)});L.evaluate(c,L.parseQuery(${JSON.stringify(QUERY)}),{},20)`);
const ownBytes = dirSize(ownDir);

const r = (x) => (typeof x === 'number' ? `${Math.round(x * 10) / 10}` : `${Math.round(x.median * 10) / 10} (${Math.round(x.min * 10) / 10})`);
const rows = [
  ['cold build + save, ms', msCold, ownCold],
  ['update after 1,000 more + save, ms', msUpdate, ownUpdate],
  ['indexing those 1,000 alone + save, ms', msAlone, ownAlone],
  ['load + first query in a fresh process (minus `node -e ""`), ms', msLoad, ownLoad],
  ['warm query, ms', msQuery, ownQuery],
  ['size on disk, bytes per event', msBytes / COUNT, ownBytes / COUNT],
];
console.log(`${COUNT} events (${docsOf(base).length} with text), query "${QUERY}", median (best) of ${RUNS} runs\n`);
console.log('| measure | MiniSearch 7.2 | Logbook index |\n|---|---:|---:|');
for (const [name, a, b] of rows) console.log(`| ${name} | ${r(a)} | ${r(b)} |`);
rmSync(dir, { recursive: true, force: true });
