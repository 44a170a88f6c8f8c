/**
 * The git store: one commit per event on `refs/logbook/replicas/<replica>`.
 * Objects go through isomorphic-git (no git binary needed) with a filesystem
 * whose object writes are atomic and durable (temp file, fsync, rename), so a
 * crash can never leave a truncated object. Refs move only by compare-and-swap
 * (./refs.ts). Reads are incremental through a disposable cache in
 * `.git/logbook/cache/` keyed by ref tips: only commits that are new since the
 * last read are parsed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import stringify from 'fast-json-stable-stringify';
import { LogbookError, isLogbookError } from '../errors.js';
import { CURRENT_VERSION, eventSubject, eventTypes, type JournalEvent, type UnreadableRecord } from '../events.js';
import { EMPTY_TREE, commitBody, objectId, readLooseCommit, writeLooseObject } from './objects.js';
import { writePack } from './pack.js';
import { durableFs, writeFileAtomic } from './atomic.js';
export { durableFs } from './atomic.js';
import type { Deadline } from '../deadline/index.js';
export { EMPTY_TREE };
import { REPLICA_PREFIX, compareAndSwapRef, listReplicaRefs, stealIfStale } from './refs.js';
import { type CachingStore, type NewEvents, type ReadOptions, type ReadResult, type StoreHead } from './types.js';

/**
 * The cache format, and the event schema it was read with: a Logbook that
 * knows more event kinds (an upgrade) must read again the commits an older
 * one cached as unreadable, so the cache is rebuilt when this changes.
 */
export const CACHE_VERSION = `3/${CURRENT_VERSION}/${createHash('sha1').update(eventTypes.join(',')).digest('hex').slice(0, 8)}`;

export function commitMessage(event: JournalEvent): string {
  return `${eventSubject(event)}\n\n${stringify(event)}\n`;
}

import { cacheDirOf, cacheFileHolds, cacheLinesBackward, cachedLinesAfter, linesText, readCacheMeta, readCachedLinesOf, readCachedText, type CacheLine, type CacheMeta, type RewriteRecord } from './cacheFiles.js';
import { listStateFiles, loadStateFile, readStateFileSlice, removeStateFile, saveStateFile, saveStateTextFile } from './stateFiles.js';
import { lineOf, streamGit, walkWithGitSync } from './gitLog.js';
export { payloadOf } from './gitLog.js';
export { cacheLinesBackward } from './cacheFiles.js';
export { cacheDirOf, readCacheLines, readCacheMetaFile, type CacheLine, type CacheMeta, type RewriteRecord } from './cacheFiles.js';

interface ReplicaUpdate {
  replica: string;
  tip: string;
  /** Bytes of the cache file that were valid before this update (0 after a reset). */
  keptBytes: number;
  /** Commits new since the cache, oldest first. */
  fresh: CacheLine[];
  /** The cached prefix was unusable (missing, corrupt, or the ref was rewritten). */
  reset: boolean;
  /** `fresh` as cache text, in pieces of a thousand lines (serialised once, for its length and for the cache file; never one large string). */
  text: string[];
}

const lazyGit = () => import('isomorphic-git');

export class GitStore implements CachingStore {
  readonly gitdir: string;
  private readonly cacheDir: string;
  private readonly objectCache = {};
  /** The last update, so synchronous readers see it even if another process held the cache lock. */
  private last: ReplicaUpdate[] | undefined;
  /** The tips of `last`. */
  private lastTips: Record<string, string> = {};

  private readonly gitBinary: string | null;
  /** The environment git runs with (the caller's; none given: an empty one, never this process's by accident). */
  private readonly env: NodeJS.ProcessEnv;

  /** Every wait and write of this store stops when it runs out (a hook's budget). */
  private readonly deadline: Deadline | undefined;

  constructor(gitdir: string, options: { gitBinary?: string | null; cacheDir?: string; deadline?: Deadline; env?: NodeJS.ProcessEnv } = {}) {
    this.gitdir = gitdir;
    this.env = options.env ?? {};
    this.deadline = options.deadline;
    this.gitBinary = options.gitBinary === undefined ? 'git' : options.gitBinary;
    this.cacheDir = options.cacheDir ?? cacheDirOf(gitdir);
  }

  async head(): Promise<StoreHead> {
    const tips = await listReplicaRefs(this.gitdir);
    const meta = await this.readMeta();
    let maxClock = 0;
    for (const [replica, tip] of Object.entries(tips)) {
      const known = meta?.replicas[replica];
      if (known?.tip === tip && known.clock !== undefined) {
        maxClock = Math.max(maxClock, known.clock);
        continue;
      }
      const line = await this.readLine(replica, tip);
      if ('e' in line) maxClock = Math.max(maxClock, line.e.clock);
    }
    return { tips, maxClock };
  }

  async append({ replica, events, expectedTip }: { replica: string; events: JournalEvent[]; expectedTip: string | null }) {
    if (events.length === 0) return { tip: expectedTip ?? '' };
    this.deadline?.check('before writing the events');
    const bodies: Buffer[] = [];
    const oids: string[] = [];
    let parent = expectedTip;
    for (const event of events) {
      const body = commitBody({
        tree: EMPTY_TREE,
        parent,
        name: event.actor.name,
        email: event.actor.email,
        seconds: Math.floor(Date.parse(event.at) / 1000),
        message: commitMessage(event),
      });
      bodies.push(body);
      parent = objectId('commit', body);
      oids.push(parent);
    }
    if (bodies.length >= PACK_FROM) {
      // A batch (a hook spool flush, an import) as one pack: one file and one fsync, not one per event.
      writePack(this.gitdir, [{ type: 'tree', body: Buffer.alloc(0) }, ...bodies.map((body) => ({ type: 'commit' as const, body }))]);
    } else {
      writeLooseObject(this.gitdir, 'tree', Buffer.alloc(0));
      for (const body of bodies) writeLooseObject(this.gitdir, 'commit', body);
    }
    await compareAndSwapRef(this.gitdir, REPLICA_PREFIX + replica, expectedTip, parent!, this.deadline ? { deadline: this.deadline } : {});
    // A pack's commits cannot be read back one by one cheaply: the next read would spawn `git log` for them.
    if (bodies.length >= PACK_FROM) await this.cacheAppended(replica, expectedTip, events.map((e, i) => ({ c: oids[i]!, e })));
    return { tip: parent! };
  }

  /**
   * The events this store just wrote go into the event cache, when it vouches
   * for the tip they follow (else the next read walks them as usual). They
   * were validated before they were written, as a walk would validate them.
   * Best effort, like every cache write.
   */
  private async cacheAppended(replica: string, from: string | null, lines: CacheLine[]): Promise<void> {
    const meta = await this.readMeta();
    const cached = meta?.replicas[replica];
    if (!meta || !cached || from === null || cached.tip !== from || !cacheFileHolds(this.cacheDir, replica, cached.bytes, cached.tip)) return;
    const text = linesText(lines);
    const last = lines.at(-1) as { c: string; e: JournalEvent };
    const next: CacheMeta = { ...meta, replicas: { ...meta.replicas, [replica]: { tip: last.c, bytes: cached.bytes + text.reduce((n, piece) => n + Buffer.byteLength(piece), 0), clock: Math.max(last.e.clock, cached.clock ?? 0) } } };
    await this.writeCache(meta, next, [{ replica, tip: last.c, keptBytes: cached.bytes, fresh: lines, reset: false, text }]);
  }

  async readNew(since: Record<string, string>): Promise<NewEvents> {
    const { tips, before } = await this.update();
    const events: JournalEvent[] = [];
    const unreadable: UnreadableRecord[] = [];
    let complete = Object.keys(since).every((r) => r in tips);
    for (const u of this.last!) {
      const from = since[u.replica];
      let lines = u.fresh;
      if (from === undefined && !u.reset) {
        // A replica `since` did not know, which the event cache already holds: all of it is new.
        const kept = u.keptBytes ? readCachedLinesOf(this.cacheDir, u.replica, u.keptBytes) : [];
        if (!kept) complete = false;
        lines = [...(kept ?? []), ...u.fresh];
      } else if (from !== undefined && (u.reset || before[u.replica] !== from)) {
        // The event cache moved on past `since` (another command read in between): its lines after `since`,
        // read from the end of the cache file; else walk from the tip back to `since` (a spawn of `git log` past 16 commits).
        const cached = from !== u.tip && !u.reset && u.keptBytes ? cachedLinesAfter(this.cacheDir, u.replica, u.keptBytes, from) : undefined;
        const walked = from === u.tip ? { lines: [], reachedStop: true } : cached ? { lines: [...cached, ...u.fresh], reachedStop: true } : await this.walk(u.replica, u.tip, from);
        if (!walked.reachedStop) complete = false;
        lines = walked.lines;
      }
      for (const line of lines) {
        if ('e' in line) events.push(line.e);
        else unreadable.push({ commit: line.c, replica: u.replica, ...line.u });
      }
    }
    return { events, unreadable, tips, complete };
  }

  async read(options: ReadOptions = {}): Promise<ReadResult> {
    const at = options.at;
    // A snapshot's tips that the last update was at: its events are in hand, no refs to list again.
    const { tips } = at && this.last && sameTips(this.lastTips, at) ? { tips: this.lastTips } : await this.update();
    try {
      return { ...this.readAll(this.last ?? [], at), tips: at ?? tips };
    } catch (e) {
      if (!isLogbookError(e, 'CORRUPT_OBJECT') || !(e.data as { cache?: boolean } | undefined)?.cache) throw e;
      // A cache file damaged behind meta.json's back (it has been dropped): rebuilt from git, silently.
      const again = await this.update();
      return { ...this.readAll(this.last ?? [], at), tips: at ?? again.tips };
    }
  }

  /** Every event as of the latest update, from the cache file plus what that update found. */
  eventsReader(): () => { events: JournalEvent[]; unreadable: UnreadableRecord[] } {
    const updates = this.last ?? [];
    return () => this.readAll(updates);
  }

  private readAll(updates: ReplicaUpdate[], at?: Record<string, string>): { events: JournalEvent[]; unreadable: UnreadableRecord[] } {
    const events: JournalEvent[] = [];
    const unreadable: UnreadableRecord[] = [];
    if (at) {
      const missing = Object.keys(at).find((r) => !updates.some((u) => u.replica === r));
      if (missing) throw movedOn(missing);
    }
    for (const u of updates) {
      if (at && !(u.replica in at)) continue; // appeared after the snapshot
      const kept = u.keptBytes ? readCachedLinesOf(this.cacheDir, u.replica, u.keptBytes) : [];
      let lines = kept ? [...kept, ...u.fresh] : undefined;
      if (!lines) {
        // Damaged behind meta.json's back (or rewritten meanwhile): drop it, so the next read rebuilds it from git,
        // and read this replica from git now (one `git log`) where git is installed.
        fs.rmSync(path.join(this.cacheDir, 'meta.json'), { force: true });
        lines = this.gitBinary ? walkWithGitSync(this.gitBinary, this.gitdir, u.tip, this.env) : undefined;
        if (!lines) throw new LogbookError('CORRUPT_OBJECT', `the Logbook cache of replica ${u.replica} was damaged or changed while it was read; it has been dropped`, { hint: 'run the command again', data: { cache: true } });
      }
      if (at && at[u.replica] !== u.tip) {
        // The ref moved on since the snapshot: its events are a prefix of the replica's line.
        const end = lines.findIndex((l) => l.c === at[u.replica]);
        if (end < 0) throw movedOn(u.replica);
        lines = lines.slice(0, end + 1);
      }
      for (const line of lines) {
        if ('e' in line) events.push(line.e);
        else unreadable.push({ commit: line.c, replica: u.replica, ...line.u });
      }
    }
    return { events, unreadable };
  }

  /**
   * Every cached line as text, as of the latest update (its new lines
   * serialised the same way), for readers that parse only the events they
   * need (time travel cuts by order key first, then parses the prefix it folds).
   */
  rawLinesReader(): () => string[] {
    const updates = this.last ?? [];
    return () => {
      const out: string[] = [];
      for (const u of updates) {
        if (u.keptBytes) {
          const kept = readCachedText(this.cacheDir, u.replica, u.keptBytes);
          if (kept === undefined) {
            fs.rmSync(path.join(this.cacheDir, 'meta.json'), { force: true });
            throw new LogbookError('CORRUPT_OBJECT', `the Logbook cache of replica ${u.replica} was damaged or changed while it was read; it has been dropped`, { hint: 'run the command again' });
          }
          if (kept) for (const line of kept.trimEnd().split('\n')) out.push(line);
        }
        for (const line of u.fresh) out.push(JSON.stringify(line));
      }
      return out;
    };
  }

  /**
   * Where the cached lines are as of the latest update, per replica: the first
   * `bytes` of `file`, then `fresh` (serialised as the file holds them). For
   * readers that index the files themselves (time travel's order index).
   */
  cachedFiles(): Array<{ replica: string; file: string; bytes: number; fresh: string[] }> {
    return (this.last ?? []).map((u) => ({ replica: u.replica, file: path.join(this.cacheDir, `${u.replica}.ndjson`), bytes: u.keptBytes, fresh: u.fresh.map((line) => JSON.stringify(line)) }));
  }

  /** rawLinesReader's lines newest first, per ref (see CachingStore.rawLinesBackward). */
  rawLinesBackward(): () => Array<Iterable<string>> {
    const updates = this.last ?? [];
    const cacheDir = this.cacheDir;
    return () =>
      updates.map((u) => ({
        *[Symbol.iterator]() {
          for (let i = u.fresh.length - 1; i >= 0; i--) yield JSON.stringify(u.fresh[i]);
          if (u.keptBytes) yield* cacheLinesBackward(path.join(cacheDir, `${u.replica}.ndjson`), u.keptBytes, u.replica);
        },
      }));
  }

  loadState<T>(name: string): { tips: Record<string, string>; data: T } | undefined {
    return loadStateFile<T>(this.cacheDir, name, CACHE_VERSION);
  }

  async saveState(name: string, tips: Record<string, string>, data: unknown): Promise<void> {
    saveStateFile(this.cacheDir, name, CACHE_VERSION, tips, data);
  }

  saveStateText(name: string, text: string | readonly string[]): void {
    saveStateTextFile(this.cacheDir, name, text);
  }

  readStateSlice(name: string, start: number, length: number): string | undefined {
    return readStateFileSlice(this.cacheDir, name, start, length);
  }

  removeState(name: string): void {
    removeStateFile(this.cacheDir, name);
  }

  listStates(prefix: string): string[] {
    return listStateFiles(this.cacheDir, prefix);
  }

  /** Bring the event cache up to the current tips, reading only commits that are new. */
  private async update(): Promise<{ tips: Record<string, string>; before: Record<string, string> }> {
    const tips = await listReplicaRefs(this.gitdir);
    const meta = await this.readMeta();
    const before: Record<string, string> = {};
    const nextMeta: CacheMeta = { version: CACHE_VERSION, replicas: {}, ...(meta?.rewrites?.length ? { rewrites: meta.rewrites } : {}) };
    const noteRewrite = (r: RewriteRecord) => {
      if (!nextMeta.rewrites?.some((x) => x.replica === r.replica && x.from === r.from)) nextMeta.rewrites = [...(nextMeta.rewrites ?? []), r].slice(-100);
    };
    for (const [replica, cached] of Object.entries(meta?.replicas ?? {})) if (!(replica in tips)) noteRewrite({ replica, from: cached.tip, to: null });
    const updates: ReplicaUpdate[] = [];
    for (const [replica, tip] of Object.entries(tips).sort()) {
      const cached = meta?.replicas[replica];
      if (cached) before[replica] = cached.tip;
      let update: ReplicaUpdate | undefined;
      if (cached && cacheFileHolds(this.cacheDir, replica, cached.bytes, cached.tip)) {
        if (cached.tip === tip) update = { replica, tip, keptBytes: cached.bytes, fresh: [], reset: false, text: [] };
        else {
          const walked = await this.walk(replica, tip, cached.tip);
          // Not reaching the cached tip means the ref was rewritten by hand: reread it all.
          if (walked.reachedStop) update = { replica, tip, keptBytes: cached.bytes, fresh: walked.lines, reset: false, text: linesText(walked.lines) };
          else noteRewrite({ replica, from: cached.tip, to: tip }); // evidence for `logbook doctor`
        }
      }
      if (!update) {
        const { lines } = await this.walk(replica, tip, null);
        update = { replica, tip, keptBytes: 0, fresh: lines, reset: true, text: linesText(lines) };
      }
      updates.push(update);
      const lastEvent = [...update.fresh].reverse().find((l): l is { c: string; e: JournalEvent } => 'e' in l);
      const clock = update.fresh.length ? (lastEvent ? Math.max(lastEvent.e.clock, cached?.clock ?? 0) : cached?.clock) : cached?.clock;
      nextMeta.replicas[replica] = { tip, bytes: update.keptBytes + update.text.reduce((n, piece) => n + Buffer.byteLength(piece), 0), ...(clock !== undefined ? { clock } : {}) };
    }
    this.last = updates;
    this.lastTips = tips;
    await this.writeCache(meta, nextMeta, updates);
    for (const u of updates) u.text = []; // written (or left to a later read): not kept while the caller folds
    return { tips, before };
  }

  /** Parse one commit into a cache line. */
  private async readLine(replica: string, oid: string): Promise<CacheLine & { parent?: string }> {
    const loose = readLooseCommit(this.gitdir, oid);
    if (loose) return { ...lineOf(oid, loose.message), ...(loose.parent ? { parent: loose.parent } : {}) };
    let commit;
    try {
      const { readCommit } = await lazyGit();
      ({ commit } = await readCommit({ fs: durableFs, gitdir: this.gitdir, oid, cache: this.objectCache }));
    } catch (cause) {
      throw new LogbookError('CORRUPT_OBJECT', `cannot read commit ${oid} of replica ${replica}: ${(cause as Error).message}`, {
        hint: 'run `git fsck` and `logbook doctor`',
        cause,
      });
    }
    const parent = commit.parent[0];
    return { ...lineOf(oid, commit.message), ...(parent ? { parent } : {}) };
  }

  /**
   * Commits from `tip` back to (excluding) `stop`, oldest first. A few are
   * read object by object; a longer walk (a first read, a fetch of many
   * events) goes to one `git log` where a git binary exists.
   */
  private async walk(replica: string, tip: string, stop: string | null): Promise<{ lines: CacheLine[]; reachedStop: boolean }> {
    const lines: CacheLine[] = [];
    let oid: string | undefined = tip;
    let bulkTried = false;
    while (oid && oid !== stop) {
      // Our own recent appends are loose objects, cheap to read one by one; anything
      // else (packed by gc, or fetched) goes to one `git log` where git exists.
      if (this.gitBinary && !bulkTried && (lines.length >= BULK_AFTER || !looseObjectExists(this.gitdir, oid))) {
        bulkTried = true;
        const bulk = await this.walkWithGit(replica, oid, stop);
        if (bulk) {
          lines.push(...bulk.lines);
          oid = bulk.end;
          break;
        }
      }
      const { parent, ...line } = await this.readLine(replica, oid);
      lines.push(line as CacheLine);
      oid = parent;
    }
    lines.reverse();
    return { lines, reachedStop: stop === null ? !oid : oid === stop };
  }

  /**
   * Newest first, and where the walk ended (the parent of the oldest commit
   * read). git's output is parsed as it arrives (each event validated once,
   * here), so the parse overlaps git's walk and the whole output is never
   * held as one string.
   */
  private async walkWithGit(replica: string, from: string, stop: string | null): Promise<{ lines: CacheLine[]; end: string | undefined } | undefined> {
    const lines: CacheLine[] = [];
    let end: string | undefined;
    const ok = await streamGit(this.gitBinary!, this.gitdir, this.deadline, ['log', '--first-parent', '--format=%x1e%H%x1f%P%x1f%B', from, ...(stop ? [`^${stop}`] : []), '--'], this.env, (record) => {
      const a = record.indexOf('\x1f');
      const b = record.indexOf('\x1f', a + 1);
      if (a < 0 || b < 0) return;
      const parents = record.slice(a + 1, b);
      const space = parents.indexOf(' ');
      end = (space < 0 ? parents : parents.slice(0, space)) || undefined;
      lines.push(lineOf(record.slice(0, a), record.slice(b + 1, record.endsWith('\n') ? -1 : undefined)));
    });
    return ok ? { lines, end } : undefined; // no binary, or it could not read: fall back to isomorphic-git
  }

  private async readMeta(): Promise<CacheMeta | undefined> {
    return readCacheMeta(this.cacheDir, CACHE_VERSION);
  }

  /** Best effort: a reader that loses the race for the cache lock just skips writing it. */
  private async writeCache(old: CacheMeta | undefined, meta: CacheMeta, updates: ReplicaUpdate[]): Promise<void> {
    if (old && stringify(old) === stringify(meta) && updates.every((u) => !u.reset && !u.fresh.length)) return;
    const lock = path.join(this.cacheDir, 'cache.lock');
    try {
      fs.mkdirSync(this.cacheDir, { recursive: true });
      await releaseStaleLock(lock);
      fs.closeSync(fs.openSync(lock, 'wx'));
    } catch {
      return;
    }
    try {
      // Another process brought the cache forward since we read meta.json: our view is older, leave theirs.
      if (stringify(await this.readMeta()) !== stringify(old)) return;
      for (const u of updates) {
        const file = path.join(this.cacheDir, `${u.replica}.ndjson`);
        const text = u.text;
        if (u.reset) writeFileAtomic(file, text, { fsync: false });
        else if (text.length) {
          // Drop any tail a crashed writer left beyond what meta.json vouches for.
          fs.truncateSync(file, u.keptBytes);
          const fd = fs.openSync(file, 'a');
          try {
            for (const piece of text) fs.writeSync(fd, piece);
          } finally {
            fs.closeSync(fd);
          }
        }
      }
      writeFileAtomic(path.join(this.cacheDir, 'meta.json'), JSON.stringify(meta), { fsync: false });
    } catch {
      /* the cache is disposable; meta.json only ever vouches for what was fully written */
    } finally {
      try {
        fs.unlinkSync(lock);
      } catch {
        /* gone already */
      }
    }
  }
}

const sameTips = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

/** A snapshot's tip that its ref no longer holds (rewritten by hand, or removed). */
const movedOn = (replica: string) =>
  new LogbookError('CONFLICT', `replica ${replica} no longer holds the tip this snapshot was read at (its ref was rewritten or removed)`, { hint: 'run the command again' });

function looseObjectExists(gitdir: string, oid: string): boolean {
  return existsSync(path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
}

/** Appends of at least this many events are written as one pack. */
const PACK_FROM = 8;

/** Walks longer than this many commits switch to one `git log` where git is installed. */
const BULK_AFTER = 16;

/** A cache lock older than this was left by a killed process. */
const STALE_CACHE_LOCK_MS = 10_000;

async function releaseStaleLock(lock: string): Promise<void> {
  await stealIfStale(lock, STALE_CACHE_LOCK_MS);
}
