/**
 * `logbook doctor`: verify the whole journal and say plainly what is wrong.
 *
 * Checks every commit of every replica ref (it parses, its event validates,
 * it is not a foreign commit), the Lamport clocks (strictly increasing along a
 * ref, no event id with two contents), that each ref only moved forward since
 * the cache last saw it, signs of a replica id shared by two clones, lock files
 * and staging refs left by killed processes, the cache and the saved views
 * against the events, and that every loose object inflates and hashes to its
 * name. All of it through the store (src/store/): one `git log` per replica
 * where git is installed, object by object where it is not.
 *
 * Nothing is changed unless `repair` is set (./repair.ts).
 */
import { readReplicaId } from '../repo.js';
import { cacheDirOf, readCacheLines, readCacheMetaFile, type CacheLine } from '../store/git.js';
import { EMPTY_TREE } from '../store/objects.js';
import { STALE_LOCK_MS } from '../store/refs.js';
import { checkCache, checkHistory, checkLocks, checkLooseObjects, checkRefs, checkViews } from './checks.js';
import { repair } from './repair.js';
import { checkSearchIndex } from '../search/doctor.js';
import { checkOrderIndexes } from '../timetravel/orderIndex.js';
import path from 'node:path';
import { doctorChecks, type Add, type CheckId, type Ctx, type DoctorOptions, type DoctorReport, type Pass } from './types.js';
import { checkClocks, indexCache, startGitWalk, walkReplica, type PendingWalk } from './walk.js';

export { doctorChecks, type CheckId, type DoctorOptions, type DoctorReport, type Finding, type ReplicaSummary, type Severity } from './types.js';

/** The event cache as it is before the walk: what the walk can reuse and what checkCache judges. */
function readCache(ctx: Ctx): Pass['cache'] {
  const lines = new Map<string, CacheLine[]>();
  const problems = new Map<string, string>();
  const { meta } = readCacheMetaFile(ctx.cacheDir);
  if (meta?.replicas && typeof meta.replicas === 'object') {
    for (const [replica, entry] of Object.entries(meta.replicas as Record<string, { bytes?: unknown }>)) {
      if (!entry || typeof entry.bytes !== 'number') continue;
      const read = readCacheLines(ctx.cacheDir, replica, entry.bytes);
      if (typeof read === 'string') problems.set(replica, read);
      else lines.set(replica, read);
    }
  }
  return { lines, byOid: indexCache(lines), problems, mismatch: new Map() };
}

async function examine(ctx: Ctx): Promise<Pass> {
  const pass: Pass = {
    findings: [],
    replicas: [],
    walked: new Map(),
    journalObjects: new Set([EMPTY_TREE]),
    looseObjects: 0,
    broken: new Map(),
    corruptLoose: [],
    verified: new Set(),
    staleFiles: [],
    staleStaging: [],
    rewritten: [],
    cacheBad: false,
    cache: { lines: new Map(), byOid: new Map(), problems: new Map(), mismatch: new Map() },
  };
  const add: Add = (f) => pass.findings.push(f);
  const local = readReplicaId(ctx.gitdir);
  if (!local) add({ check: 'refs', code: 'not-initialised', severity: 'info', message: 'this clone has no replica id yet', hint: 'run `logbook init` to write events from here' });
  const tips = checkRefs(ctx, add);
  const replicas = Object.entries(tips).sort();
  // git reads the first replica's commits while this process reads the cache; each next one while the last is checked.
  const walks: Array<PendingWalk | undefined> = [];
  if (replicas.length) walks[0] = startGitWalk(ctx, replicas[0]![1]);
  pass.cache = readCache(ctx);
  for (const [i, [replica, tip]] of replicas.entries()) {
    if (i + 1 < replicas.length) walks[i + 1] = startGitWalk(ctx, replicas[i + 1]![1]);
    const commits = await walkReplica(ctx, replica, tip, pass, add, walks[i]);
    pass.walked.set(replica, commits);
    let events = 0;
    for (const c of commits) if (c.event) events++;
    pass.replicas.push({ replica, tip, commits: commits.length, events, unreadable: commits.length - events, local: replica === local });
  }
  checkClocks(pass, add);
  await checkHistory(ctx, tips, pass, add);
  await checkLocks(ctx, pass, add);
  checkCache(ctx, tips, pass, add);
  if (!pass.cacheBad && !pass.broken.size) checkViews(ctx, pass, add);
  const events = [...pass.walked.values()].flatMap((cs) => cs.flatMap((c) => (c.event ? [c.event] : [])));
  for (const f of checkSearchIndex({ gitdir: ctx.gitdir, tips, events })) {
    add(f);
    pass.cacheBad = true; // --repair drops the whole cache, the index with it
  }
  for (const { file, problem } of checkOrderIndexes(ctx.cacheDir, new Map([...pass.walked].map(([r, cs]) => [r, cs.flatMap((c) => (c.event ? [c.event] : []))])))) {
    pass.cacheBad = true; // --repair drops the whole cache, the order index with it
    add({ check: 'cache', code: 'order-index-mismatch', severity: 'warning', fixable: true, path: path.join('logbook', 'cache', file), message: `the time-travel order index ${file} ${problem}`, hint: 'the index is disposable: `logbook doctor --repair` drops it, and the next view --at builds it again' });
  }
  checkLooseObjects(ctx, pass, add);
  return pass;
}

/**
 * Check the journal of the repository at `gitdir`; with `repair`, fix what
 * can be fixed safely and check again. The report is the state afterwards.
 *
 * @example const report = await runDoctor({ gitdir: repo.gitdir }); if (!report.healthy) …
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const ctx: Ctx = {
    gitdir: options.gitdir,
    cacheDir: cacheDirOf(options.gitdir),
    now: options.now ?? Date.now,
    staleMs: options.staleMs ?? STALE_LOCK_MS,
    gitBinary: options.gitBinary === undefined ? 'git' : options.gitBinary,
    objectCache: {},
  };
  let pass = await examine(ctx);
  let repairs: string[] = [];
  if (options.repair) {
    repairs = await repair(ctx, pass);
    if (repairs.length) pass = await examine(ctx);
  }
  const problems = pass.findings.filter((f) => f.severity !== 'info');
  return {
    gitdir: options.gitdir,
    replica: readReplicaId(options.gitdir),
    healthy: problems.length === 0,
    replicas: pass.replicas,
    checks: (Object.keys(doctorChecks) as CheckId[]).map((id) => ({ id, title: doctorChecks[id], ok: !problems.some((f) => f.check === id) })),
    findings: pass.findings,
    repairs,
    stats: {
      commits: pass.replicas.reduce((n, r) => n + r.commits, 0),
      events: pass.replicas.reduce((n, r) => n + r.events, 0),
      looseObjects: pass.looseObjects,
    },
  };
}
