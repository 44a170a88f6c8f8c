/** Helpers for the sync tests: clones with a journal, and what to compare between them. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { Journal } from '../../src/journal.js';
import { Logbook } from '../../src/logbook.js';
import { runAsync, type RunOptions, type RunResult } from './cli.js';
import { git, makeRepo, readTree, tempDir } from './repo.js';

/** Stock git without blocking the event loop (the HTTP test server lives in this process). */
export function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(' ')} failed: ${stderr}`)) : resolve(stdout)),
    );
  });
}

/** Run the CLI and expect success. */
export async function lb(cwd: string, args: string[], options: RunOptions = {}): Promise<string> {
  const r = await runAsync(cwd, args, options);
  if (r.code !== 0) throw new Error(`logbook ${args.join(' ')} exited ${r.code} in ${cwd}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export function lbRun(cwd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runAsync(cwd, args, options);
}

/** A repository with `logbook init` done and `origin` pointing at `remote`. */
export async function makeClone(remote: string | undefined, name = 'Ada'): Promise<string> {
  const dir = makeRepo({ name });
  if (remote) git(dir, 'remote', 'add', 'origin', remote);
  await lb(dir, ['init']);
  return dir;
}

export const replicaOf = (dir: string) => git(dir, 'config', 'logbook.replica').trim();

/** Every ref of a repository, as `oid ref` lines: to prove a failed sync changed nothing. */
export async function refs(dir: string): Promise<string> {
  return gitAsync(dir, 'for-each-ref', '--format=%(objectname) %(refname)');
}

/** Every event id of the journal, per session, read through the CLI (`list --json`, `view --json`). */
export async function eventIds(dir: string, env?: Record<string, string | undefined>): Promise<Record<string, string[]>> {
  const options = env ? { env } : {};
  const sessions = JSON.parse(await lb(dir, ['list', '--json'], options)) as Array<{ id: string }>;
  const out: Record<string, string[]> = {};
  for (const s of sessions) {
    const view = JSON.parse(await lb(dir, ['view', s.id, '--json'], options)) as { events: Array<{ id: string }> };
    out[s.id] = view.events.map((e) => e.id);
  }
  return out;
}

/** Every event id of the journal in its total order, read in-process (cheaper than a CLI call per session). */
export async function journalIds(dir: string): Promise<string[]> {
  return (await Journal.open({ cwd: dir, env: {} }).events()).map((e) => e.id);
}

/** Start a session in-process and append `n` progress events to it in one batch (fast, for big transfers). */
export async function appendMany(dir: string, n: number, label = 'bulk'): Promise<void> {
  const logbook = new Logbook(Journal.open({ cwd: dir, env: {} }));
  const { session } = await logbook.start({ goal: `${label} session` });
  await logbook.journal.append(Array.from({ length: n }, (_, i) => ({ type: 'progress' as const, session: session.id, data: { text: `${label} step ${i} ${'x'.repeat(40)}`, status: 'done' as const } })));
}


/** `logbook rebuild --out` into a fresh directory; the files written. */
export async function rebuildTree(dir: string, env?: Record<string, string | undefined>): Promise<Record<string, string>> {
  const out = tempDir('logbook-rebuild-');
  await lb(dir, ['rebuild', '--out', out], env ? { env } : {});
  return readTree(out);
}

export async function expectFsckClean(dir: string): Promise<void> {
  const r = await new Promise<{ code: number; out: string }>((resolve) =>
    execFile('git', ['fsck', '--strict', '--no-dangling'], { cwd: dir, encoding: 'utf8' }, (e, stdout, stderr) => resolve({ code: e ? 1 : 0, out: stdout + stderr })),
  );
  expect(r.out.split('\n').filter((l) => l && !/^notice:|^Checking/.test(l)), `git fsck --strict in ${dir}`).toEqual([]);
  expect(r.code).toBe(0);
}

/** A small seeded generator, so a failing interleaving can be replayed from the seed in the test name. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
