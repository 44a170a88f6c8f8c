/**
 * Writing a rebuild plan (projections/rebuild.ts) to disk. Only files whose
 * bytes changed are written, each atomically (temp file + rename), so a
 * rebuild with no new events touches nothing, not even mtimes, and a reader
 * never sees half a file. Files the plan no longer holds are removed, but
 * only inside `sessions/` and among the known top-level files: anything else
 * the user keeps in the folder is left alone.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LogbookError } from './errors.js';
import type { Journal } from './journal.js';
import { SESSIONS_DIR, TOP_LEVEL_FILES, rebuildPlan } from '../projections/rebuild.js';
import { staleTimeoutMs } from './config.js';

export interface WriteResult {
  dir: string;
  /** Relative paths written (new or changed). */
  written: string[];
  /** Relative paths removed. */
  removed: string[];
  unchanged: number;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function atomicWrite(file: string, bytes: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Every file under `dir`, as `/`-separated paths relative to `root`. */
function listFiles(root: string, dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) return listFiles(root, rel);
    return [rel];
  });
}

/** Remove empty folders below `dir` (bottom-up), keeping `dir` itself. */
function pruneEmptyDirs(root: string, dir: string): void {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of entries) {
    if (!d.isDirectory()) continue;
    const rel = `${dir}/${d.name}`;
    pruneEmptyDirs(root, rel);
    try {
      rmdirSync(path.join(root, rel));
    } catch {
      /* not empty: keep */
    }
  }
}

/** Put `plan` on disk under `dir`: write what changed, remove what the plan no longer holds. */
export function writePlan(dir: string, plan: ReadonlyMap<string, string>): WriteResult {
  const root = path.resolve(dir);
  const result: WriteResult = { dir: root, written: [], removed: [], unchanged: 0 };
  for (const [rel, text] of [...plan].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (rel.split('/').some((part) => part === '..' || part === '' || part === '.')) {
      throw new LogbookError('INVALID_INPUT', `refusing to write outside ${root}: ${rel}`, { hint: 'this is a bug in a projection; please report it' });
    }
    const file = path.join(root, ...rel.split('/'));
    const bytes = Buffer.from(text, 'utf8');
    const current = readOrUndefined(file);
    if (current && current.equals(bytes)) {
      result.unchanged++;
      continue;
    }
    atomicWrite(file, bytes);
    result.written.push(rel);
  }
  const owned = [...listFiles(root, SESSIONS_DIR), ...TOP_LEVEL_FILES];
  for (const rel of owned.sort()) {
    if (plan.has(rel)) continue;
    const file = path.join(root, ...rel.split('/'));
    if (!existsSync(file)) continue;
    rmSync(file, { force: true });
    result.removed.push(rel);
  }
  pruneEmptyDirs(root, SESSIONS_DIR);
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

/** Load the journal and write every projection file to `out` (default `.logbook/`). */
export async function rebuild(journal: Journal, options: { out?: string } = {}): Promise<WriteResult & { events: number }> {
  const out = options.out ?? defaultOutDir(journal);
  const snap = await journal.load();
  const plan = rebuildPlan(snap.events, { staleAfterMs: staleTimeoutMs(journal) });
  return { ...writePlan(out, plan), events: snap.sessions.eventCount };
}
