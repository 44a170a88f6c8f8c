/**
 * Reading and compare-and-swap updating of refs, compatible with git's own
 * locking protocol: `<ref>.lock` created exclusively, written, fsynced and
 * renamed over the ref. isomorphic-git's writeRef has no lock and loses
 * updates under concurrency, so journal refs are only ever moved through here.
 */
import * as fs from 'node:fs';
import { constants as fsc } from 'node:fs';
import path from 'node:path';
import { LogbookError } from '../errors.js';

export const REPLICA_PREFIX = 'refs/logbook/replicas/';

/** A lock older than this is considered left behind by a dead process. */
export const STALE_LOCK_MS = 3000;
/** How long an append waits for a busy lock before giving up. */
const LOCK_WAIT_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parsePackedRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('^')) continue;
    const sp = line.indexOf(' ');
    if (sp === 40 || sp === 64) refs.set(line.slice(sp + 1), line.slice(0, sp));
  }
  return refs;
}

async function readPackedRefs(gitdir: string): Promise<Map<string, string>> {
  try {
    return parsePackedRefs(fs.readFileSync(path.join(gitdir, 'packed-refs'), 'utf8'));
  } catch {
    return new Map();
  }
}

async function readLooseRef(gitdir: string, ref: string): Promise<string | null> {
  try {
    const v = fs.readFileSync(path.join(gitdir, ref), 'utf8').trim();
    return /^[0-9a-f]{40}$/.test(v) ? v : null;
  } catch {
    return null;
  }
}

export async function readRef(gitdir: string, ref: string): Promise<string | null> {
  return (await readLooseRef(gitdir, ref)) ?? (await readPackedRefs(gitdir)).get(ref) ?? null;
}

/** Every `refs/logbook/replicas/<id>` ref, loose or packed: replica id -> tip. */
export async function listReplicaRefs(gitdir: string): Promise<Record<string, string>> {
  const tips: Record<string, string> = {};
  for (const [ref, oid] of await readPackedRefs(gitdir)) {
    if (ref.startsWith(REPLICA_PREFIX)) tips[ref.slice(REPLICA_PREFIX.length)] = oid;
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(path.join(gitdir, REPLICA_PREFIX));
  } catch {
    /* no loose replica refs yet */
  }
  for (const name of names) {
    if (name.endsWith('.lock') || name.includes('.stale-')) continue;
    const oid = await readLooseRef(gitdir, REPLICA_PREFIX + name);
    if (oid) tips[name] = oid;
  }
  return tips;
}

/**
 * Remove `lock` if it is older than `staleMs` (left by a dead process), safely
 * against a racing process that replaces it with a fresh lock meanwhile.
 * True when the lock is gone (try to take it again), false when it is live.
 */
export async function stealIfStale(lock: string, staleMs = STALE_LOCK_MS): Promise<boolean> {
  let before;
  try {
    before = fs.statSync(lock);
  } catch {
    return true; // gone already: try again
  }
  if (Date.now() - before.mtimeMs < staleMs) return false;
  const aside = `${lock}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return true;
  }
  const moved = fs.statSync(aside);
  if (moved.ino !== before.ino) {
    // Someone replaced the stale lock with a fresh one in between: put it back.
    try {
      fs.linkSync(aside, lock);
    } catch {
      /* a newer lock took its place */
    }
  }
  fs.rmSync(aside, { force: true });
  return true;
}

/**
 * Move `ref` from `expected` to `next` atomically, or fail with CONFLICT when
 * it no longer points at `expected`. Waits for a busy lock and recovers one
 * left behind by a dead process.
 */
export async function compareAndSwapRef(
  gitdir: string,
  ref: string,
  expected: string | null,
  next: string,
  options: { waitMs?: number } = {},
): Promise<void> {
  const refPath = path.join(gitdir, ref);
  const lock = `${refPath}.lock`;
  fs.mkdirSync(path.dirname(refPath), { recursive: true });
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = fs.openSync(lock, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await stealIfStale(lock)) continue;
      if (Date.now() > deadline) {
        throw new LogbookError('LOCKED', `${ref} is locked by another process (${lock})`, {
          hint: `if no logbook or git process is running, remove ${lock}`,
        });
      }
      await sleep(Math.min(50, 1 + attempt * 2) * (0.5 + Math.random()));
    }
  }
  let renamed = false;
  try {
    const current = await readRef(gitdir, ref);
    if (current !== expected) {
      throw new LogbookError('CONFLICT', `${ref} moved from ${expected ?? '(none)'} to ${current ?? '(none)'}`, {
        hint: 'read the journal again and retry',
        data: { current },
      });
    }
    fs.writeSync(fd, `${next}\n`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(lock, refPath);
    renamed = true;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (!renamed) fs.rmSync(lock, { force: true });
  }
}
