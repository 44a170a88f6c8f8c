// Code and sessions: what the git hooks cost the user's `git commit`, and what
// `logbook why` costs next to the `git blame` it runs.
//   - the installed post-commit hook (sh running dist/githook.cjs, which the shell
//     follows with the detached drain) vs `node -e ''`
//   - `git commit` with the hooks installed vs the same commit without them
//   - `logbook why FILE:LINE` on a 100k-event journal holding 5k recorded
//     commits vs `git blame -L LINE,LINE FILE` + `node -e ''`
// The hook's detached drain records the commit after git has returned; each
// sample waits for it to finish (untimed), so one sample's drain does not
// load the next.
//
// Standalone: `node bench/code.mjs` (after `npm run build`); `npm run bench` runs it too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, git, gitEnv, journalInfo, lib, logbook, makeJournalRepo as makeRepo, median, ulid } from './lib.mjs';


const env = () => {
  const e = { ...gitEnv };
  for (const k of Object.keys(e)) if (/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) delete e[k];
  return e;
};

function ms(cmd, args, cwd) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const took = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return took;
}

/** Wait (untimed) until the background drain has taken the spool and let go of its lock. */
async function drained(dir) {
  const d = path.join(dir, '.git', 'logbook');
  for (let i = 0; i < 2000; i++) {
    const busy = existsSync(d) && readdirSync(d).some((f) => f.startsWith('commits.spool') || f === 'commits.drain.lock');
    if (!busy) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function samples(n, warmup, fn, after) {
  const out = [];
  for (let i = 0; i < n + warmup; i++) {
    const t = fn(i);
    if (after) await after();
    if (i >= warmup) out.push(t);
  }
  return median(out);
}

/** Append `events` to the bench replica's ref with git fast-import, after its current tip. */
function importEvents(dir, events) {
  const { commitMessage } = lib();
  const ref = 'refs/logbook/replicas/benchreplica';
  const tip = git(dir, 'rev-parse', ref).trim();
  const parts = [];
  events.forEach((event, i) => {
    const msg = Buffer.from(commitMessage(event));
    const ts = Math.floor(Date.parse(event.at) / 1000);
    parts.push(Buffer.from(`commit ${ref}\nmark :${i + 1}\ncommitter Bench <bench@example.com> ${ts} +0000\ndata ${msg.length}\n`), msg);
    if (i === 0) parts.push(Buffer.from(`from ${tip}\n`));
    parts.push(Buffer.from('deleteall\n\n'));
  });
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: Buffer.concat(parts), env: gitEnv, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
}

/** 5,000 code commits on main, each appending one line to one of 100 files, by fast-import. */
function importCodeCommits(dir, count) {
  const lines = new Map();
  const parts = [];
  const t0 = Date.UTC(2026, 0, 1, 9, 0, 0) / 1000;
  for (let i = 0; i < count; i++) {
    const file = `src/mod${i % 100}.ts`;
    const text = `${lines.get(file) ?? ''}export const v${i} = ${i};\n`;
    lines.set(file, text);
    const msg = `change ${i}\n`;
    parts.push(`commit refs/heads/main\nmark :${i + 1}\nauthor Bench <bench@example.com> ${t0 + i * 20} +0000\ncommitter Bench <bench@example.com> ${t0 + i * 20} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`);
    if (i === 0) parts.push(`from ${git(dir, 'rev-parse', 'main').trim()}\n`);
    parts.push(`M 100644 inline ${file}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
  }
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: parts.join(''), env: gitEnv, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  git(dir, 'reset', '-q', '--hard', 'main');
  return git(dir, 'rev-list', '--reverse', 'main').trim().split('\n').slice(1);
}

/** Rows `{name, ms, baselineMs, ratio, baseline, target}` for the benchmark table. */
export default async function codeBench({ runs = 7, makeJournalRepo = makeRepo, journal = (n) => journalInfo('hook', n) } = {}) {
  const n = Math.max(5, runs);
  const noop = await samples(n, 2, () => ms(process.execPath, ['-e', '']));

  // The hook process and git commit, on a 10k-event journal with an open session.
  const dir = makeJournalRepo('code-hooks', 10_000); // its cache warm, as any earlier command leaves it
  logbook(dir, 'hooks', 'install', '--git');
  // The installed script as git runs it (sh, then node on dist/githook.cjs, then the shell starting the drain).
  const script = path.join(dir, '.git', 'hooks', 'post-commit');
  const hook = await samples(n, 2, () => ms(script, [], dir), () => drained(dir));
  const withHooks = await samples(n, 2, (i) => ms('git', ['commit', '-q', '--allow-empty', '-m', `with hooks ${i}`], dir), () => drained(dir));
  logbook(dir, 'hooks', 'uninstall', '--git');
  const without = await samples(n, 2, (i) => ms('git', ['commit', '-q', '--allow-empty', '-m', `without hooks ${i}`], dir));

  // why on a 100k-event journal with 5k recorded commits.
  const big = makeJournalRepo('code-why', 100_000);
  const { sessions, openSession } = journal(100_000);
  const commits = importCodeCommits(big, 5000);
  const t0 = Date.UTC(2026, 0, 1, 9, 0, 0) + 100_001 * 1000;
  importEvents(
    big,
    commits.map((commit, j) => ({
      id: ulid(t0 + j * 1000, 100_001 + j),
      type: 'commit.linked',
      v: 1,
      at: new Date(t0 + j * 1000).toISOString(),
      session: j === commits.length - 1 ? openSession : sessions[Math.floor((j * sessions.length) / commits.length)], // spread over this clone's sessions
      actor: { name: 'Bench', email: 'bench@example.com', agent: 'claude-code' },
      clock: 100_001 + j,
      replica: 'benchreplica',
      data: { commit, patchId: commit.split('').reverse().join(''), branch: 'main', subject: `change ${j}`, files: [`src/mod${j % 100}.ts`] },
    })),
  );
  logbook(big, 'list');
  const target = 'src/mod7.ts:25';
  const answer = JSON.parse(logbook(big, 'why', target, '--json'));
  if (!answer.sessions.length) throw new Error('why found no session');
  const whyMs = await samples(n, 2, () => ms(process.execPath, [BIN, 'why', target], big));
  const blame = await samples(n, 2, () => ms('git', ['blame', '-L', '25,25', 'src/mod7.ts'], big));
  mkdirSync(path.join(big, '.logbook'), { recursive: true });
  writeFileSync(path.join(big, '.logbook', 'bench-why.json'), JSON.stringify(answer));

  const vsNode = "vs `node -e ''`";
  const rows = [
    { name: 'git `post-commit` hook process, 10k-event journal', ms: hook, baselineMs: noop, baseline: vsNode, target: '≤ 1.3×' },
    { name: '`git commit` with the Logbook git hooks, 10k-event journal', ms: withHooks, baselineMs: without, baseline: 'vs the same `git commit` without them', target: '≤ +120 ms' },
    { name: '`logbook why FILE:LINE`, 100k events + 5k recorded commits', ms: whyMs, baselineMs: blame + noop, baseline: "vs `git blame -L` + `node -e ''`", target: '≤ 1.5×' },
  ];
  return rows.map((r) => ({ ...r, ratio: Math.round((r.ms / r.baselineMs) * 100) / 100 }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await codeBench({ runs: Number(process.env.BENCH_RUNS ?? 7) })) {
    console.log(`${r.name.padEnd(72)} ${r.ms.toFixed(1).padStart(8)} ms  ${r.ratio}× ${r.baseline} (${r.baselineMs.toFixed(1)} ms)${r.target ? `  (target ${r.target})` : ''}`);
  }
}
