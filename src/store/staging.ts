/**
 * The staging namespace of sync's fetches, `refs/logbook-incoming/<run>/…`
 * with `<run>` = `<start ms>-<pid>-<random>`. A sync that is killed leaves
 * its namespace behind; the next sync (and `doctor --repair`) removes every
 * namespace whose process is gone, and any older than an hour.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { listRefsRaw } from './refs.js';

export const STAGING_PREFIX = 'refs/logbook-incoming/';
/** Namespaces older than this are removed even if a process with their pid runs (pid reuse). */
const STALE_STAGING_MS = 60 * 60 * 1000;

export interface StagingNamespace {
  /** `<run>` */
  run: string;
  /** Every ref in it, loose or packed. */
  refs: string[];
  /** Its sync is no longer running. */
  abandoned: boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Every staging namespace in `gitdir`, loose or packed (a `git pack-refs --all` packs them too). */
export function stagingNamespaces(gitdir: string, now = Date.now()): StagingNamespace[] {
  const refs = listRefsRaw(gitdir, STAGING_PREFIX).map((e) => e.ref);
  const byRun = new Map<string, string[]>();
  for (const ref of refs) {
    const run = ref.slice(STAGING_PREFIX.length).split('/')[0]!;
    byRun.set(run, [...(byRun.get(run) ?? []), ref]);
  }
  // A namespace directory with no refs left in it is an abandoned one too.
  try {
    for (const run of fs.readdirSync(path.join(gitdir, STAGING_PREFIX))) if (!byRun.has(run)) byRun.set(run, []);
  } catch {
    /* none */
  }
  return [...byRun].map(([run, list]) => {
    const [started, pid] = run.split('-').map(Number);
    const old = !Number.isFinite(started) || now - started! > STALE_STAGING_MS;
    const gone = !Number.isInteger(pid) || pid! <= 0 || !alive(pid!);
    return { run, refs: [...new Set(list)], abandoned: old || gone };
  });
}
