/**
 * Reading and compare-and-swap updating of refs, compatible with git's own
 * locking protocol: `<ref>.lock` created exclusively, written, fsynced and
 * renamed over the ref. isomorphic-git's writeRef has no lock and loses
 * updates under concurrency, so journal refs are only ever moved through here.
 */
import * as fs from 'node:fs';
import { constants as fsc } from 'node:fs';
import path from 'node:path';
import { boundedWait, type Deadline } from '../deadline/index.js';
import { LogbookError } from '../errors.js';
import { writeError } from './atomic.js';

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
  } catch (e) {
    if (errno(e) === 'ENOENT') return new Map();
    throw e;
  }
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

/** A replica id as Logbook writes them; any other name under refs/logbook/replicas/ is not read. */
export const REPLICA_ID = /^[0-9a-z]{8,32}$/;

/** `refs/logbook/replicas/<id>` with a valid id: the only refs reads and sync take. */
export function isReplicaRef(ref: string): boolean {
  return ref.startsWith(REPLICA_PREFIX) && REPLICA_ID.test(ref.slice(REPLICA_PREFIX.length));
}

/**
 * A loose ref's commit id, or null when there is no loose ref. A ref file
 * that holds anything else is damage, not absence: treating it as absent
 * would let an append start a new root and strand the events behind it.
 */
async function readLooseRef(gitdir: string, ref: string): Promise<string | null> {
  let v: string;
  try {
    v = fs.readFileSync(path.join(gitdir, ref), 'utf8').trim();
  } catch (e) {
    // A directory in its place (refs nested below this name) is no loose ref either.
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR' || errno(e) === 'EISDIR') return null;
    throw e;
  }
  if (/^[0-9a-f]{40}$/.test(v)) return v;
  throw new LogbookError('CORRUPT_OBJECT', `${ref} holds ${JSON.stringify(v.slice(0, 60))}, not a commit id`, {
    hint: 'run `logbook doctor`; the events are still in git objects (`git fsck --lost-found` finds the old tip)',
  });
}

/**
 * git's own order: the loose ref first, packed-refs only after it. `git
 * pack-refs` writes packed-refs before it deletes the loose file, so a loose
 * ref gone by the time we look is always in the packed-refs read after it;
 * reading packed-refs first could return a value older than the loose one.
 */
export async function readRef(gitdir: string, ref: string): Promise<string | null> {
  return (await readLooseRef(gitdir, ref)) ?? (await readPackedRefs(gitdir)).get(ref) ?? null;
}

/** Every `refs/logbook/replicas/<id>` ref, loose or packed: replica id -> tip. Names that are no replica id are left out (doctor reports them). */
export async function listReplicaRefs(gitdir: string): Promise<Record<string, string>> {
  const tips: Record<string, string> = {};
  const damaged = new Set<string>();
  let names: string[] = [];
  try {
    names = fs.readdirSync(path.join(gitdir, REPLICA_PREFIX));
  } catch {
    /* no loose replica refs yet */
  }
  // Loose refs first, packed-refs after them (see readRef).
  for (const name of names) {
    if (!REPLICA_ID.test(name)) continue;
    try {
      const oid = await readLooseRef(gitdir, REPLICA_PREFIX + name);
      if (oid) tips[name] = oid;
    } catch {
      // A damaged ref is left out of reads (doctor reports it); appending to it fails in compareAndSwapRef.
      damaged.add(name);
    }
  }
  for (const [ref, oid] of await readPackedRefs(gitdir)) {
    const name = ref.slice(REPLICA_PREFIX.length);
    if (isReplicaRef(ref) && !(name in tips) && !damaged.has(name)) tips[name] = oid;
  }
  return tips;
}

/**
 * The unique name a stale lock is moved to before it is removed. It ends in
 * `.lock`, like the lock itself, because it lies beside refs: git takes every
 * other file under refs/ for a ref (`X.lock.stale-…` would be one), and a
 * process killed between the rename and the removal would leave an empty
 * "ref" that makes `git gc --prune=now` (GIT_REF_PARANOIA in its repack) die
 * with `bad object` and `git for-each-ref` warn about a broken ref.
 */
export function staleAsideName(lock: string): string {
  return `${lock}.stale-${process.pid}-${Math.random().toString(36).slice(2)}.lock`;
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
  const aside = staleAsideName(lock);
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
  options: { waitMs?: number; deadline?: Deadline } = {},
): Promise<void> {
  const refPath = path.join(gitdir, ref);
  const lock = `${refPath}.lock`;
  const waitMs = boundedWait(options.deadline, options.waitMs ?? LOCK_WAIT_MS);
  const deadline = Date.now() + waitMs;
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    options.deadline?.check(`waiting for the lock of ${ref}`);
    try {
      fd = fs.openSync(lock, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o644);
    } catch (e) {
      if ((errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') && attempt < 100) {
        // The directory is missing, or `git pack-refs` removed it as empty just now (git's raceproof_create_file): make it and try again.
        makeRefDirectory(gitdir, ref);
        continue;
      }
      if (errno(e) !== 'EEXIST') throw writeError(e, lock);
      if (await stealIfStale(lock)) continue;
      if (Date.now() > deadline) {
        throw new LogbookError('LOCKED', `${ref} is locked by another process (${lock})`, {
          hint: `if no logbook or git process is running, remove ${lock}`,
        });
      }
      await sleep(Math.min(50, 1 + attempt * 2, Math.max(1, deadline - Date.now())) * (0.5 + Math.random()));
    }
  }
  // The lock is ours while the file at its path is the one we created; a process that
  // judged it stale (we stalled for seconds) may have replaced it, and then it is theirs.
  const ino = fs.fstatSync(fd).ino;
  const stillOurs = () => {
    try {
      return fs.statSync(lock).ino === ino;
    } catch {
      return false;
    }
  };
  let done = false;
  try {
    const current = await readRef(gitdir, ref);
    if (current !== expected) {
      throw new LogbookError('CONFLICT', `${ref} moved from ${expected ?? '(none)'} to ${current ?? '(none)'}`, {
        hint: 'read the journal again and retry',
        data: { current },
      });
    }
    options.deadline?.check(`updating ${ref}`);
    fs.writeSync(fd, `${next}\n`);
    fs.fsyncSync(fd);
    if (!stillOurs()) {
      throw new LogbookError('CONFLICT', `${ref}: the lock was taken over while this append was stalled`, { hint: 'read the journal again and retry' });
    }
    fs.renameSync(lock, refPath);
    done = true;
    syncDirectory(path.dirname(refPath));
  } finally {
    fs.closeSync(fd);
    if (!done && stillOurs()) fs.rmSync(lock, { force: true });
  }
}

/** Make a rename in `dir` durable (best effort: not every platform can fsync a directory). */
function syncDirectory(dir: string): void {
  try {
    const d = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(d);
    } finally {
      fs.closeSync(d);
    }
  } catch {
    /* the rename itself is atomic; only its durability across a power loss is at stake */
  }
}

/**
 * Create the directories of `ref`. A file where a directory must be (a ref
 * `refs/logbook/replicas/X` below which `…/X/x` is wanted: a D/F conflict)
 * is a clear error, not an EEXIST from mkdir.
 */
function makeRefDirectory(gitdir: string, ref: string): void {
  try {
    fs.mkdirSync(path.dirname(path.join(gitdir, ref)), { recursive: true });
  } catch (e) {
    if (errno(e) === 'EEXIST' || errno(e) === 'ENOTDIR') {
      throw new LogbookError('INVALID_INPUT', `cannot create ${ref}: a ref named like one of its parent directories exists (a D/F conflict)`, {
        hint: 'Logbook writes only refs/logbook/replicas/<id>; remove the stray ref with `git update-ref -d`',
      });
    }
    throw writeError(e, path.dirname(path.join(gitdir, ref)));
  }
}

export interface JournalRefEntry {
  ref: string;
  /** The ref's content: a commit id, or whatever a damaged file holds. */
  value: string;
  packed: boolean;
}

/**
 * Every ref under `prefix` (loose, and packed ones with no loose copy), raw:
 * for `logbook doctor`, which reports what is malformed. Lock and stale-lock
 * files are left out (doctor's lock check reports those).
 */
export function listRefsRaw(gitdir: string, prefix: string): JournalRefEntry[] {
  const out: JournalRefEntry[] = [];
  const loose = new Set<string>();
  const walk = (dir: string, ref: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${ref}${e.name}/`);
      else if (!e.name.endsWith('.lock') && !e.name.includes('.stale-')) {
        let value = '';
        try {
          value = fs.readFileSync(path.join(dir, e.name), 'utf8').trim();
        } catch {
          continue; // removed meanwhile (pack-refs): its packed entry is read below
        }
        loose.add(`${ref}${e.name}`);
        out.push({ ref: `${ref}${e.name}`, value, packed: false });
      }
    }
  };
  walk(path.join(gitdir, prefix), prefix);
  let packed = '';
  try {
    packed = fs.readFileSync(path.join(gitdir, 'packed-refs'), 'utf8');
  } catch {
    /* none */
  }
  for (const [ref, oid] of parsePackedRefs(packed)) if (ref.startsWith(prefix) && !loose.has(ref)) out.push({ ref, value: oid, packed: true });
  return out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}
