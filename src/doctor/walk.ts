/**
 * Reading every commit of every replica ref, checking each one (it parses,
 * its event validates, it is no foreign commit), and the clocks along them.
 * One `git log` per replica where git is installed; object by object through
 * the store (verifying loose objects on the way) where it is not, or where
 * that `git log` fails on a missing or damaged object and the damage has to
 * be located.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import stringify from 'fast-json-stable-stringify';
import { parseStoredEvent, type JournalEvent } from '../events.js';
import { durableFs, type CacheLine } from '../store/git.js';
import { runGit } from '../store/gitBinary.js';
import { EMPTY_TREE, parseCommitBody, verifyLooseObject } from '../store/objects.js';
import type { Add, Ctx, Pass, WalkedCommit } from './types.js';

/** isomorphic-git is loaded on first use, as the store does, so that `logbook` starts fast. */
const readCommit: typeof import('isomorphic-git').readCommit = async (args) => (await import('isomorphic-git')).readCommit(args);

interface RawCommit {
  oid: string;
  parents: string[];
  tree: string;
  message: string;
}

/**
 * A `git log` of one replica started ahead of the walk: git writes into a
 * temporary file (not a pipe, which would stall git whenever this process is
 * busy), so it reads the objects while this process reads the event cache and
 * checks the commits already written.
 */
export interface PendingWalk {
  readonly file: string;
  readonly dir: string;
  /** git's exit code; null when there is no git binary. */
  readonly exit: Promise<number | null>;
}

/** Start the bulk read of one replica (see PendingWalk); undefined without a git binary. */
export function startGitWalk(ctx: Ctx, tip: string): PendingWalk | undefined {
  if (!ctx.gitBinary) return undefined;
  let dir: string;
  let out: number;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'logbook-doctor-'));
    out = openSync(path.join(dir, 'log'), 'w');
  } catch {
    return undefined; // no temporary directory: walkReplica reads git's output through a pipe
  }
  const file = path.join(dir, 'log');
  let exit: Promise<number | null>;
  try {
    const child = spawn(ctx.gitBinary, [`--git-dir=${ctx.gitdir}`, 'log', '--first-parent', '--format=%x1e%H%x1f%P%x1f%T%x1f%B', tip, '--'], {
      stdio: ['ignore', out, 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    exit = new Promise((resolve) => {
      child.once('error', (e) => resolve((e as NodeJS.ErrnoException).code === 'ENOENT' ? null : 1));
      child.once('close', (code) => resolve(code ?? 1));
    });
  } finally {
    closeSync(out);
  }
  return { file, dir, exit };
}

/** First-parent walk from the tip: every commit read, parsed and validated. Oldest first. */
export async function walkReplica(ctx: Ctx, replica: string, tip: string, pass: Pass, add: Add, pending?: PendingWalk): Promise<WalkedCommit[]> {
  const started = pending ?? startGitWalk(ctx, tip);
  const bulk = started ? await readGitWalk(started, pass) : ctx.gitBinary ? await walkWithGit(ctx, tip) : undefined;
  if (bulk) return bulk.map(({ commit, cached }) => checkCommit(replica, commit, pass, add, cached ?? cachedEvent(commit, pass))).reverse();
  return walkObjects(ctx, replica, tip, pass, add);
}

/** The same walk through a pipe, all of git's output at once; undefined when git cannot read the whole chain. */
async function walkWithGit(ctx: Ctx, tip: string): Promise<ReadCommit[] | undefined> {
  const run = await runGit(ctx.gitBinary!, ctx.gitdir, undefined, ['log', '--first-parent', '--format=%x1e%H%x1f%P%x1f%T%x1f%B', tip, '--']);
  if (!run || run.code !== 0) return undefined;
  return run.stdout.split('\x1e').flatMap((record) => (record ? [{ commit: rawCommit(record), cached: undefined }] : []));
}

/** One record of the `git log` format above; its message is cut out of the record only when a check needs it as text. */
class GitRecord implements RawCommit {
  readonly oid: string;
  readonly parents: string[];
  readonly tree: string;
  /** Where the message starts in the record. */
  private readonly at: number;
  constructor(private readonly record: string) {
    const a = record.indexOf('\x1f');
    const b = record.indexOf('\x1f', a + 1);
    const c = record.indexOf('\x1f', b + 1);
    this.oid = record.slice(0, a);
    const parents = record.slice(a + 1, b);
    this.parents = parents ? parents.split(' ') : [];
    this.tree = record.slice(b + 1, c);
    this.at = c + 1;
  }

  get message(): string {
    const m = this.record.slice(this.at);
    return m.endsWith('\n') ? m.slice(0, -1) : m;
  }

  /** The JSON body (what follows the subject's blank line, trailing newlines included), or undefined without one. */
  body(): string | undefined {
    const start = this.record.indexOf('\n\n', this.at);
    return start < 0 ? undefined : this.record.slice(start + 2);
  }
}

function rawCommit(record: string): RawCommit {
  return new GitRecord(record);
}

interface ReadCommit {
  commit: RawCommit;
  /** The cached event, when the cache holds exactly this commit's event (checked as the records arrive). */
  cached: JournalEvent | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The records of a started `git log`, newest first, read as git writes them:
 * each record is parsed and compared with the cache while git reads the next
 * ones. Side-effect free, so that a walk git cannot finish (a missing or
 * damaged object) is thrown away and done object by object instead.
 */
async function readGitWalk(walk: PendingWalk, pass: Pass): Promise<ReadCommit[] | undefined> {
  let code: number | null | undefined;
  void walk.exit.then((c) => (code = c));
  const out: ReadCommit[] = [];
  const fd = openSync(walk.file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let rest: Buffer = Buffer.alloc(0);
    const take = (bytes: Buffer, end: number) => {
      // Records start with \x1e (ASCII, so never inside a UTF-8 sequence); text before the first one is none.
      for (const record of bytes.subarray(0, end).toString('utf8').split('\x1e')) {
        if (!record) continue;
        const commit = rawCommit(record);
        out.push({ commit, cached: cachedEvent(commit, pass) });
      }
    };
    for (;;) {
      const exited = code !== undefined;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n > 0) {
        const bytes = rest.length ? Buffer.concat([rest, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        // A record is whole once the next one has begun.
        const last = bytes.lastIndexOf(0x1e);
        if (last > 0) take(bytes, last);
        rest = Buffer.from(last > 0 ? bytes.subarray(last) : bytes);
        continue;
      }
      if (exited) break;
      await Promise.race([walk.exit, sleep(2)]);
    }
    if (code !== 0) return undefined;
    if (rest.length) take(rest, rest.length);
    return out;
  } finally {
    closeSync(fd);
    rmSync(walk.dir, { recursive: true, force: true });
  }
}

/** Wait for a started walk that will not be read (an earlier replica failed) and remove its file. */
export async function dropGitWalk(walk: PendingWalk | undefined): Promise<void> {
  if (!walk) return;
  await walk.exit;
  rmSync(walk.dir, { recursive: true, force: true });
}

async function walkObjects(ctx: Ctx, replica: string, tip: string, pass: Pass, add: Add): Promise<WalkedCommit[]> {
  const commits: WalkedCommit[] = [];
  let oid: string | undefined = tip;
  while (oid) {
    let commit: { tree: string; parent: string[]; message: string };
    try {
      // Loose objects (every recent append) are read and verified here directly; packed ones through isomorphic-git.
      const loose = verifyLooseObject(ctx.gitdir, oid);
      if (loose && 'problem' in loose) throw new Error(`its loose object ${loose.problem}`);
      if (loose && loose.type !== 'commit') throw new Error(`it is a ${loose.type}, not a commit`);
      if (loose) pass.verified.add(oid);
      commit = loose ? parseCommitBody(loose.content) : (await readCommit({ fs: durableFs, gitdir: ctx.gitdir, oid, cache: ctx.objectCache })).commit;
    } catch (e) {
      pass.journalObjects.add(oid);
      reportBroken(ctx, replica, oid, commits.length, e, pass, add);
      break;
    }
    commits.push(checkCommit(replica, { oid, parents: commit.parent, tree: commit.tree, message: commit.message }, pass, add));
    oid = commit.parent[0];
  }
  return commits.reverse();
}

/** A commit that cannot be read. Fixable only when the cache holds its event and rebuilds it byte for byte (the hash proves it). */
function reportBroken(ctx: Ctx, replica: string, oid: string, newer: number, e: unknown, pass: Pass, add: Add): void {
  const missing = (e as { code?: string }).code === 'NotFoundError';
  pass.broken.set(oid, replica);
  const cached = pass.cache.byOid.get(oid);
  const recoverable = Boolean(cached && 'e' in cached);
  add({
    check: 'objects',
    code: missing ? 'missing-object' : 'corrupt-object',
    severity: 'error',
    replica,
    commit: oid,
    fixable: recoverable,
    message: missing
      ? `commit ${oid} of replica ${replica} is missing (${newer} newer commits read); older events of this replica cannot be read`
      : `commit ${oid} of replica ${replica} is damaged: ${(e as Error).message}`,
    hint: recoverable
      ? '`logbook doctor --repair` rebuilds it from the cache (the hash proves the bytes)'
      : 'the cache does not hold this commit, so `--repair` cannot rebuild it: fetch the journal again from a clone that has it (`logbook sync`), or restore .git/objects from a backup' +
        (missing ? '; `git gc --prune=now` beside running appends deletes commits written during it (git warns that it is unsafe)' : ''),
  });
}

/** The checks of one commit; uses the cached event when the cache holds exactly this commit's event (no second parse). */
function checkCommit(replica: string, c: RawCommit, pass: Pass, add: Add, matched = cachedEvent(c, pass)): WalkedCommit {
  const { oid } = c;
  pass.journalObjects.add(oid);
  const walked: WalkedCommit = { oid, parents: c.parents };
  if (c.parents.length > 1) {
    add({ check: 'events', code: 'merge-commit', severity: 'warning', replica, commit: oid, message: `commit ${oid} on replica ${replica} is a merge; Logbook follows only its first parent`, hint: 'Logbook never writes merges: the ref was changed by another tool' });
  }
  if (matched) {
    // The cache line was validated when it was written, with this schema (the cache version says so).
    walked.event = matched;
  } else {
    const start = c.message.indexOf('\n\n');
    const body = start < 0 ? undefined : c.message.slice(start + 2).trimEnd();
    const cached = pass.cache.byOid.get(oid);
    parseAndReport(replica, c, body, walked, add);
    if (cached && ('e' in cached ? !walked.event || stringify(walked.event) !== stringify(cached.e) : Boolean(walked.event))) {
      if (!pass.cache.mismatch.has(replica)) pass.cache.mismatch.set(replica, oid);
    }
  }
  if (walked.event) {
    if (c.tree !== EMPTY_TREE) {
      add({ check: 'events', code: 'files-in-commit', severity: 'warning', replica, commit: oid, message: `commit ${oid} on replica ${replica} carries files (tree ${c.tree}); Logbook commits never do` });
    }
    if (walked.event.replica !== replica) {
      add({
        check: 'replicas',
        code: 'replica-mismatch',
        severity: 'error',
        replica,
        commit: oid,
        message: `event ${walked.event.id} on ref of replica ${replica} says it was written by replica ${walked.event.replica}`,
        hint: 'a ref was copied or two clones share a replica id (a copied .git): give one clone a new id with `git config --unset logbook.replica && logbook init`',
      });
    }
  }
  return walked;
}

/** The cached event of this commit when the commit's body is exactly that event (key order aside); else undefined. */
function cachedEvent(c: RawCommit, pass: Pass): JournalEvent | undefined {
  const cached = pass.cache.byOid.get(c.oid);
  if (!cached || !('e' in cached)) return undefined;
  let body: string | undefined;
  if (c instanceof GitRecord) body = c.body(); // JSON.parse takes the trailing newlines as whitespace
  else {
    const start = c.message.indexOf('\n\n');
    body = start < 0 ? undefined : c.message.slice(start + 2).trimEnd();
  }
  if (body === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined; // parsed again, and reported, by the full check
  }
  return sameJson(raw, cached.e) ? cached.e : undefined;
}

function parseAndReport(replica: string, c: RawCommit, body: string | undefined, walked: WalkedCommit, add: Add): void {
  const { oid } = c;
  let raw: unknown;
  let noBody = body === undefined;
  if (!noBody) {
    try {
      raw = JSON.parse(body!);
    } catch {
      noBody = true;
    }
  }
  if (noBody) {
    add({
      check: 'events',
      code: 'foreign-commit',
      severity: 'error',
      replica,
      commit: oid,
      message: `commit ${oid} on replica ${replica} is not a Logbook event: "${c.message.split('\n')[0]!.slice(0, 60)}"`,
      hint: 'Logbook skips it and keeps it; it was written by hand or another tool (see docs/safety.md to remove it by rewriting the ref)',
    });
    return;
  }
  const parsed = parseStoredEvent(raw);
  if (parsed.ok) {
    walked.event = parsed.event;
    return;
  }
  const future = parsed.v !== undefined ? parsed.v > 1 : parsed.reason.startsWith('unknown event type');
  add({
    check: 'events',
    code: future ? 'future-event' : 'invalid-event',
    severity: future ? 'info' : 'error',
    replica,
    commit: oid,
    message: `commit ${oid} on replica ${replica}: ${parsed.reason}`,
    ...(future ? { hint: 'kept as is; upgrade Logbook to read it' } : { hint: 'Logbook skips it and keeps it; it was edited by hand or written by a broken tool' }),
  });
}

export function checkClocks(pass: Pass, add: Add): void {
  const byId = new Map<string, { json: string; replica: string; commit: string }>();
  for (const [replica, commits] of pass.walked) {
    let prev: { clock: number; oid: string } | undefined;
    for (const c of commits) {
      if (!c.event) continue;
      if (prev && c.event.clock <= prev.clock) {
        add({
          check: 'clocks',
          code: 'clock-order',
          severity: 'error',
          replica,
          commit: c.oid,
          message: `commit ${c.oid} on replica ${replica} has clock ${c.event.clock}, not above its predecessor's ${prev.clock} (${prev.oid.slice(0, 12)})`,
          hint: 'Logbook always raises the clock; this ref was assembled by hand or by two writers sharing a replica id',
        });
      }
      prev = { clock: c.event.clock, oid: c.oid };
      const seen = byId.get(c.event.id);
      // Serialised only for the rare id seen twice: most ids are unique.
      if (!seen) byId.set(c.event.id, { json: '', replica, commit: c.oid });
      else {
        const first = pass.walked.get(seen.replica)!.find((x) => x.oid === seen.commit)!.event!;
        if (stringify(first) !== stringify(c.event)) {
          add({
            check: 'clocks',
            code: 'duplicate-id',
            severity: 'error',
            replica,
            commit: c.oid,
            message: `event id ${c.event.id} appears with different content in commit ${seen.commit.slice(0, 12)} (${seen.replica}) and ${c.oid.slice(0, 12)} (${replica}); views show only one`,
            hint: 'an event was edited by hand and re-committed; compare the two with `git show`',
          });
        }
      }
    }
  }
}

/** Deep equality of two JSON values, key order aside: cheaper than serialising both. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const array = Array.isArray(a);
  if (array !== Array.isArray(b)) return false;
  if (array) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // Keys whose value is undefined count as absent (JSON has no undefined).
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    n++;
    if (!Object.hasOwn(y, k) || !sameJson(v, y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}

/** Cache lines as they were read before the walk (so a walk can use them), keyed by commit. */
export function indexCache(lines: Map<string, CacheLine[]>): Map<string, CacheLine> {
  const byOid = new Map<string, CacheLine>();
  for (const list of lines.values()) for (const l of list) byOid.set(l.c, l);
  return byOid;
}
