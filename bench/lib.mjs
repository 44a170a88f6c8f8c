// Shared benchmark helpers: fast journal generation with `git fast-import`,
// timing with warm-up and medians, and command runners.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'logbook.cjs');
export const WORK = path.join(ROOT, 'bench', 'work');
const require = createRequire(import.meta.url);
export const lib = () => require(path.join(ROOT, 'dist', 'index.cjs'));

export const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv, maxBuffer: 1 << 30 });
}

export function scratch(name) {
  const dir = path.join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID from a time and a counter: deterministic ids for generated journals. */
export function ulid(ms, n) {
  let t = '';
  for (let i = 0, x = ms; i < 10; i++, x = Math.floor(x / 32)) t = B32[x % 32] + t;
  let r = '';
  for (let i = 0, x = n; i < 16; i++, x = Math.floor(x / 32)) r = B32[x % 32] + r;
  return t + r;
}

const SESSION_LENGTH = 500;
const b36 = (n) => n.toString(36).padStart(4, '0').slice(-4);

/** The id of the session that event number `i` (0-based) belongs to. */
export function sessionOf(i, replica = 'benchreplica') {
  const n = Math.floor(i / SESSION_LENGTH);
  return `20260101_${String(9 + Math.floor(n / 60) % 15).padStart(2, '0')}${String(n % 60).padStart(2, '0')}_${b36(n + (replica === 'benchreplica' ? 0 : 40000))}`;
}

/**
 * Valid journal events shaped like a hook-fed journal: sessions of 500 events,
 * most of them `tool.used` (PostToolUse fires on every tool call), with
 * progress, decisions, discoveries, next steps, links and checkpoints between,
 * each session closed before the next starts (the last stays open). In the
 * exact commit format Logbook writes.
 */
export function* generateEvents(count, { replica = 'benchreplica', startClock = 1 } = {}) {
  const actor = { name: 'Bench', email: 'bench@example.com', agent: 'claude-code' };
  const t0 = Date.UTC(2026, 0, 1, 9, 0, 0);
  const tools = ['Bash', 'Read', 'Edit', 'Grep', 'Write', 'Glob'];
  for (let i = startClock - 1; i < startClock - 1 + count; i++) {
    const clock = i + 1;
    const at = new Date(t0 + clock * 1000).toISOString();
    const session = sessionOf(i, replica);
    const k = i % SESSION_LENGTH;
    const base = { id: ulid(t0 + clock * 1000, clock), v: 1, at, session, actor, clock, replica };
    const r = (clock * 7919) % 100;
    if (k === 0) yield { ...base, type: 'session.started', data: { title: `Benchmark session ${session}`, shortname: `bench-${session.slice(-4)}`, taskIds: [], meta: {} } };
    else if (k === SESSION_LENGTH - 1 && i + SESSION_LENGTH < startClock - 1 + count) yield { ...base, type: 'session.closed', data: { outcome: 'completed', learnings: [], tasksCompleted: [] } };
    else if (r < 72) yield { ...base, type: 'tool.used', data: { tool: tools[clock % tools.length], success: r !== 3, durationMs: (clock * 31) % 900 } };
    else if (r < 82) yield { ...base, type: 'progress', data: { text: `Step ${k % 40} of the migration`, status: r % 2 ? 'done' : 'current' } };
    else if (r < 85) yield { ...base, type: 'decision', data: { text: `Decision ${clock}: use approach ${clock % 7}`, rationale: 'measured faster in the prototype' } };
    else if (r < 88) yield { ...base, type: 'discovery', data: { text: `Discovery ${clock}: the cache misses on cold start` } };
    else if (r < 92) yield { ...base, type: 'next', data: { text: `Next ${k % 30}: write the regression test` } };
    else if (r < 96) yield { ...base, type: 'item.linked', data: { key: `task:T-${clock % 97}`, action: r % 2 ? 'created' : 'updated' } };
    else yield { ...base, type: 'session.checkpointed', data: { note: `checkpoint ${clock}` } };
  }
}

/** The session left open at the end of a generated journal of `count` events. */
export const lastSession = (count) => sessionOf(count - 1);

/** Write `count` events onto refs/logbook/replicas/<replica> with git fast-import (seconds for 100k). */
export function fastImport(dir, count, options = {}) {
  const { commitMessage } = lib();
  const replica = options.replica ?? 'benchreplica';
  const ref = `refs/logbook/replicas/${replica}`;
  const parts = [];
  let mark = 0;
  const parent = options.parent;
  for (const event of generateEvents(count, { ...options, replica })) {
    const msg = Buffer.from(commitMessage(event));
    const ts = Math.floor(Date.parse(event.at) / 1000);
    mark++;
    parts.push(`commit ${ref}\nmark :${mark}\nauthor Bench <bench@example.com> ${ts} +0000\ncommitter Bench <bench@example.com> ${ts} +0000\ndata ${msg.length}\n`);
    parts.push(msg);
    if (mark === 1 && parent) parts.push(`from ${parent}\n`);
    parts.push('deleteall\n\n');
  }
  const input = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input, env: gitEnv, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  return git(dir, 'rev-parse', ref).trim();
}

/** A repository with a Logbook journal of `count` events (replica `benchreplica` is this clone). */
export function makeJournalRepo(name, count, { gc = false } = {}) {
  const dir = scratch(name);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
  git(dir, 'config', 'logbook.replica', 'benchreplica');
  git(dir, 'config', 'user.name', 'Bench');
  git(dir, 'config', 'user.email', 'bench@example.com');
  fastImport(dir, count);
  if (gc) git(dir, 'gc', '-q', '--aggressive', '--prune=now');
  return dir;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall time (ms) of `fn` after `warmup` unmeasured runs. */
export async function time(fn, { runs = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn(i + warmup);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}

/** Run a process to completion; throws on failure. */
export function proc(cmd, args, { cwd, input } = {}) {
  const r = spawnSync(cmd, args, { cwd, input, env: { ...gitEnv, LOGBOOK_AGENT: undefined }, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export const logbook = (cwd, ...args) => proc(process.execPath, [BIN, ...args], { cwd });
export const nodeNoop = () => proc(process.execPath, ['-e', '']);
