/**
 * Writing a rebuild plan (projections/rebuild.ts) to disk. Only files whose
 * bytes changed are written, each atomically (temp file + rename), so a
 * rebuild with no new events touches nothing, not even mtimes, and a reader
 * never sees half a file.
 *
 * A rebuild only ever removes or overwrites a file it wrote itself: the
 * manifest `.logbook-rebuild.json` in the output folder names every file it
 * wrote with the hash of the bytes it wrote. A file at a planned path that the
 * manifest does not name (a user's `stats.json`), or that was edited since,
 * stops the rebuild before anything is written; files the manifest does not
 * name are never removed (`sessions/store.go` stays).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { writeFileAtomic } from './store/atomic.js';
import path from 'node:path';
import { LogbookError } from './errors.js';
import type { Journal } from './journal.js';
import { rebuildPlan } from '../projections/rebuild.js';
import { staleTimeoutMs } from './config.js';

export interface WriteResult {
  dir: string;
  /** Relative paths written (new or changed). */
  written: string[];
  /** Relative paths removed. */
  removed: string[];
  unchanged: number;
}

/** The manifest's name in the output folder. */
export const MANIFEST = '.logbook-rebuild.json';
const MANIFEST_FORMAT = 'logbook-rebuild-manifest';

/** Relative path -> sha256 (hex) of every version of the file this rebuild may find there. */
type Owned = Map<string, Set<string>>;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The file's bytes, or undefined when there is none; a file that is there but unreadable (EACCES) is an error, not "absent". */
function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new LogbookError('NOT_WRITABLE', `cannot read ${file}: ${(e as Error).message}`, { hint: 'check the permissions of the rebuild folder; nothing was written', cause: e });
  }
}

function atomicWrite(file: string, bytes: Buffer, dirs?: Set<string>): void {
  const dir = path.dirname(file);
  if (!dirs?.has(dir)) {
    mkdirSync(dir, { recursive: true });
    dirs?.add(dir);
  }
  // `<name>.tmp-<pid>_<hex>` beside it: what removeOwnLeftovers knows as ours. Projections are rebuilt from the journal: no fsync.
  writeFileAtomic(file, bytes, { tmpPrefix: `${path.basename(file)}.tmp-`, fsync: false });
}

function readManifest(root: string): Owned {
  const file = path.join(root, MANIFEST);
  const bytes = readOrUndefined(file);
  if (!bytes) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    // a damaged manifest: treated as none, so no file is claimed as ours that we cannot prove we wrote
    parsed = undefined;
  }
  const m = parsed as { format?: unknown; files?: unknown } | undefined;
  if (!m || m.format !== MANIFEST_FORMAT || !m.files || typeof m.files !== 'object') {
    throw new LogbookError('INVALID_INPUT', `${file} is not a Logbook rebuild manifest; refusing to rebuild into ${root}`, {
      hint: `Logbook keeps the list of files it wrote in ${MANIFEST}; move that file away or pass another --out`,
    });
  }
  const owned: Owned = new Map();
  for (const [rel, hashes] of Object.entries(m.files as Record<string, unknown>)) {
    const list = (Array.isArray(hashes) ? hashes : [hashes]).filter((h): h is string => typeof h === 'string');
    if (list.length && safeRelative(rel)) owned.set(rel, new Set(list));
  }
  return owned;
}

function writeManifest(root: string, owned: Owned): void {
  const files: Record<string, string | string[]> = {};
  for (const rel of [...owned.keys()].sort()) {
    const hashes = [...owned.get(rel)!].sort();
    files[rel] = hashes.length === 1 ? hashes[0]! : hashes;
  }
  atomicWrite(path.join(root, MANIFEST), Buffer.from(`${JSON.stringify({ format: MANIFEST_FORMAT, note: 'files written by `logbook rebuild`; it removes or overwrites only these', files }, null, 2)}\n`, 'utf8'));
}

const safeRelative = (rel: string) => !rel.split('/').some((part) => part === '..' || part === '' || part === '.') && !path.isAbsolute(rel);

/** Remove the folders a removal left empty, from `rel`'s folder up to (not including) the root. */
function pruneEmptyParents(root: string, rel: string): void {
  for (let dir = path.posix.dirname(rel); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) {
    try {
      rmdirSync(path.join(root, ...dir.split('/')));
    } catch {
      return; // not empty (or not ours to judge): stop
    }
  }
}

const LOCK = '.logbook-rebuild.lock';
const LOCK_WAIT_MS = 10_000;

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * One rebuild at a time per folder: two at once would each find the other's
 * files missing from the manifest they read. A lock whose process is gone
 * (killed) is taken over.
 */
function withLock<T>(root: string, work: () => T): T {
  mkdirSync(root, { recursive: true });
  const lock = path.join(root, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number.parseInt(readOrUndefined(lock)?.toString('utf8') ?? '', 10);
    if (!alive(holder)) {
      // Moved aside under a unique name first: of two processes taking over, only one removes the stale lock.
      const aside = `${lock}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      try {
        renameSync(lock, aside);
        const was = Number.parseInt(readOrUndefined(aside)?.toString('utf8') ?? '', 10);
        if (alive(was)) renameSync(aside, lock);
        else rmSync(aside, { force: true });
      } catch {
        /* another process took it over first */
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new LogbookError('LOCKED', `another logbook rebuild (process ${holder}) is writing ${root}`, { hint: `wait for it to finish; if no rebuild is running, remove ${lock}` });
    }
    sleepSync(20);
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Temp files of our own atomic writes (`<name>.tmp-<pid>_…`, `-…` before) left by a killed
 * rebuild, and a stale lock moved aside (`<lock>.stale-<pid>-…`, see withLock)
 * by a rebuild killed before it removed it.
 */
function removeOwnLeftovers(root: string, rels: Iterable<string>): void {
  try {
    for (const entry of readdirSync(root)) {
      const m = /^\.logbook-rebuild\.lock\.stale-(\d+)-[a-z0-9]+$/.exec(entry);
      if (m && !alive(Number(m[1]))) rmSync(path.join(root, entry), { force: true });
    }
  } catch {
    /* the folder is read below and reports its own errors */
  }
  const dirs = new Map<string, Set<string>>();
  for (const rel of rels) {
    const d = path.posix.dirname(rel);
    if (!dirs.has(d)) dirs.set(d, new Set());
    dirs.get(d)!.add(path.posix.basename(rel));
  }
  for (const [d, names] of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(path.join(root, ...d.split('/').filter((p) => p !== '.')));
    } catch {
      continue;
    }
    for (const entry of entries) {
      const m = /^(.*)\.tmp-(\d+)[-_][a-z0-9]+$/.exec(entry);
      if (m && names.has(m[1]!) && !alive(Number(m[2]))) rmSync(path.join(root, ...d.split('/').filter((p) => p !== '.'), entry), { force: true });
    }
  }
}

/**
 * Put `plan` on disk under `dir`: write what changed, remove what an earlier
 * rebuild wrote and the plan no longer holds. Refuses (INVALID_INPUT, nothing
 * written) when a planned path holds a file this rebuild did not write.
 */
export function writePlan(dir: string, plan: ReadonlyMap<string, string>): WriteResult {
  const root = path.resolve(dir);
  for (const rel of plan.keys()) {
    if (!safeRelative(rel) || rel === MANIFEST || rel === LOCK) {
      throw new LogbookError('INVALID_INPUT', `refusing to write outside ${root}: ${rel}`, { hint: 'this is a bug in a projection; please report it' });
    }
  }
  return withLock(root, () => writeLocked(root, plan));
}

/**
 * Whether a file may be at `rel`: false when one of its folders is not there
 * (then there is nothing to read, compare or refuse), known from one listing
 * of each folder above it; a first rebuild reads no file at all.
 */
function folderLister(root: string): (rel: string) => boolean {
  const listings = new Map<string, Set<string> | null>();
  const list = (dir: string): Set<string> | null => {
    let names = listings.get(dir);
    if (names === undefined) {
      try {
        names = new Set(readdirSync(dir === '' ? root : path.join(root, ...dir.split('/'))));
      } catch {
        names = null; // not there (or not a folder we can list): what is below it is not there either, or is read and reported as before
      }
      listings.set(dir, names);
    }
    return names;
  };
  return (rel) => {
    const parts = rel.split('/');
    let dir = '';
    for (let i = 0; i < parts.length - 1; i++) {
      const names = list(dir);
      if (names === null) return existsSync(dir === '' ? root : path.join(root, ...dir.split('/'))); // there but not listable: read as before, which says what is wrong
      if (!names.has(parts[i]!)) return false;
      dir = dir ? `${dir}/${parts[i]}` : parts[i]!;
    }
    return true;
  };
}

function writeLocked(root: string, plan: ReadonlyMap<string, string>): WriteResult {
  const result: WriteResult = { dir: root, written: [], removed: [], unchanged: 0 };
  const owned = readManifest(root);
  removeOwnLeftovers(root, [...plan.keys(), ...owned.keys(), MANIFEST]);
  const isOurs = (rel: string, current: Buffer) => owned.get(rel)?.has(sha256(current)) ?? false;
  const mayExist = folderLister(root);

  // Plan every step before taking any, so that a refusal leaves the folder as it was.
  const writes: Array<[string, string, Buffer]> = [];
  const foreign: string[] = [];
  /** The sha256 of each planned file's bytes, for the manifests. */
  const hashes = new Map<string, string>();
  for (const [rel, text] of [...plan].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = path.join(root, ...rel.split('/'));
    const bytes = Buffer.from(text, 'utf8');
    hashes.set(rel, sha256(bytes));
    const current = mayExist(rel) ? readOrUndefined(file) : undefined;
    if (current && current.equals(bytes)) {
      result.unchanged++;
      continue;
    }
    if (current && !isOurs(rel, current)) foreign.push(rel);
    else if (!current && mayExist(rel) && existsSync(file)) foreign.push(rel); // a folder (or something unreadable) where a file goes
    writes.push([rel, file, bytes]);
  }
  if (foreign.length) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw new LogbookError('INVALID_INPUT', `refusing to overwrite ${foreign.length} file(s) in ${root} that logbook rebuild did not write (or that were edited since): ${shown}; nothing was written`, {
      hint: `move those files away, or pass --out with an empty or Logbook-only folder (the default is .logbook/); a folder written by a Logbook older than ${MANIFEST} can be deleted and rebuilt`,
      data: { files: foreign },
    });
  }
  const removals = [...owned.keys()].filter((rel) => !plan.has(rel)).sort();

  // Record the new bytes before writing them: a rebuild killed half-way still knows every file it may have written.
  const next: Owned = new Map();
  for (const [rel, hashes] of owned) next.set(rel, new Set(hashes));
  for (const [rel] of writes) next.set(rel, new Set([...(next.get(rel) ?? []), hashes.get(rel)!]));
  if (writes.length || removals.length) writeManifest(root, next);

  const dirs = new Set<string>();
  for (const [rel, file, bytes] of writes) {
    atomicWrite(file, bytes, dirs);
    result.written.push(rel);
  }
  for (const rel of removals) {
    const file = path.join(root, ...rel.split('/'));
    const current = readOrUndefined(file);
    if (current && isOurs(rel, current)) {
      rmSync(file, { force: true });
      result.removed.push(rel);
      pruneEmptyParents(root, rel);
    }
    // Gone already, or edited since it was written: no longer ours to remove (and no longer listed).
  }

  // The final manifest: exactly the files of this plan, each with the bytes now on disk.
  const final: Owned = new Map();
  for (const rel of plan.keys()) final.set(rel, new Set([hashes.get(rel)!]));
  const before = JSON.stringify([...owned].map(([k, v]) => [k, [...v].sort()]).sort());
  const after = JSON.stringify([...final].map(([k, v]) => [k, [...v].sort()]).sort());
  if (before !== after || !existsSync(path.join(root, MANIFEST))) writeManifest(root, final);
  return result;
}

/** The default output folder: `.logbook/` in the work tree (which `logbook init` git-ignores). */
export function defaultOutDir(journal: Journal): string {
  const workTree = journal.repo?.workTree;
  if (!workTree) {
    throw new LogbookError('INVALID_INPUT', 'a bare repository has no work tree for .logbook/', { hint: 'pass --out DIR' });
  }
  return path.join(workTree, '.logbook');
}

/**
 * Read every event and write every projection file to `out` (default
 * `.logbook/`). The plan folds every view from the events itself, so the
 * journal's cached views are not folded (nor saved) on the way: one fold, not two.
 */
export async function rebuild(journal: Journal, options: { out?: string } = {}): Promise<WriteResult & { events: number }> {
  const out = options.out ?? defaultOutDir(journal);
  const events = await journal.events();
  const plan = rebuildPlan(events, { staleAfterMs: staleTimeoutMs(journal) });
  return { ...writePlan(out, plan), events: events.length };
}
