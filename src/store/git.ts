/**
 * The git store: one commit per event on `refs/logbook/replicas/<replica>`.
 * Objects go through isomorphic-git (no git binary needed) with a filesystem
 * whose object writes are atomic and durable (temp file, fsync, rename), so a
 * crash can never leave a truncated object. Refs move only by compare-and-swap
 * (./refs.ts). Reads are incremental through a disposable cache in
 * `.git/logbook/cache/` keyed by ref tips: only commits that are new since the
 * last read are parsed.
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import stringify from 'fast-json-stable-stringify';
import { readCommit, writeCommit, writeTree } from 'isomorphic-git';
import { LogbookError } from '../errors.js';
import { eventSubject, parseStoredEvent, type JournalEvent, type UnreadableRecord } from '../events.js';
import { REPLICA_PREFIX, compareAndSwapRef, listReplicaRefs, stealIfStale } from './refs.js';
import type { EventStore, ReadResult, StoreHead } from './types.js';

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const CACHE_VERSION = 1;

async function atomicWriteFile(file: string, data: string | Uint8Array, options?: unknown): Promise<void> {
  if (!file.includes(`${path.sep}objects${path.sep}`)) return fsp.writeFile(file, data, options as fs.WriteFileOptions);
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const handle = await fsp.open(tmp, 'wx', 0o444);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
}

/** The filesystem handed to isomorphic-git: node's, with durable object writes. */
export const durableFs = { promises: { ...fsp, writeFile: atomicWriteFile } };

/** Split a journal commit message into its canonical JSON payload. */
export function payloadOf(message: string): unknown {
  const start = message.indexOf('\n\n');
  if (start < 0) throw new Error('commit message has no body');
  return JSON.parse(message.slice(start + 2));
}

export function commitMessage(event: JournalEvent): string {
  return `${eventSubject(event)}\n\n${stringify(event)}\n`;
}

/** A replica ref found not to contain the tip an earlier read cached: rewritten, reset or deleted by hand. */
export interface RewriteRecord {
  replica: string;
  from: string;
  to: string | null;
}

export interface CacheMeta {
  version: number;
  replicas: Record<string, { tip: string; bytes: number }>;
  /** Kept across reads until `logbook doctor --repair` has dealt with them, so the evidence survives the cache reset. */
  rewrites?: RewriteRecord[];
}

/** One cached line: a commit and either its event or why it is unreadable. */
type CacheLine = { c: string; e: JournalEvent } | { c: string; u: Omit<UnreadableRecord, 'commit' | 'replica'> };

export class GitStore implements EventStore {
  readonly gitdir: string;
  private readonly cacheDir: string;
  private readonly objectCache = {};

  constructor(gitdir: string) {
    this.gitdir = gitdir;
    this.cacheDir = path.join(gitdir, 'logbook', 'cache');
  }

  async head(): Promise<StoreHead> {
    const tips = await listReplicaRefs(this.gitdir);
    let maxClock = 0;
    for (const [replica, tip] of Object.entries(tips)) {
      const line = await this.readLine(replica, tip);
      if ('e' in line) maxClock = Math.max(maxClock, line.e.clock);
    }
    return { tips, maxClock };
  }

  async append({ replica, events, expectedTip }: { replica: string; events: JournalEvent[]; expectedTip: string | null }) {
    if (events.length === 0) return { tip: expectedTip ?? '' };
    await writeTree({ fs: durableFs, gitdir: this.gitdir, tree: [] });
    let parent = expectedTip;
    for (const event of events) {
      const seconds = Math.floor(Date.parse(event.at) / 1000);
      const person = { name: event.actor.name, email: event.actor.email, timestamp: seconds, timezoneOffset: 0 };
      parent = await writeCommit({
        fs: durableFs,
        gitdir: this.gitdir,
        commit: { message: commitMessage(event), tree: EMPTY_TREE, parent: parent ? [parent] : [], author: person, committer: person },
      });
    }
    await compareAndSwapRef(this.gitdir, REPLICA_PREFIX + replica, expectedTip, parent!);
    return { tip: parent! };
  }

  async read(): Promise<ReadResult> {
    const tips = await listReplicaRefs(this.gitdir);
    const meta = await this.readMeta();
    const events: JournalEvent[] = [];
    const unreadable: UnreadableRecord[] = [];
    const nextMeta: CacheMeta = { version: CACHE_VERSION, replicas: {}, ...(meta?.rewrites?.length ? { rewrites: meta.rewrites } : {}) };
    const noteRewrite = (r: RewriteRecord) => {
      if (!nextMeta.rewrites?.some((x) => x.replica === r.replica && x.from === r.from && x.to === r.to)) nextMeta.rewrites = [...(nextMeta.rewrites ?? []), r].slice(-100);
    };
    const appends: Array<{ replica: string; text: string; reset: boolean }> = [];
    for (const [replica, tip] of Object.entries(tips).sort()) {
      const cached = meta?.replicas[replica];
      let lines = cached ? await this.readCachedLines(replica, cached.bytes) : undefined;
      let fresh: CacheLine[] = [];
      let reset = !lines;
      if (lines && cached!.tip !== tip) {
        const walked = await this.walk(tip, cached!.tip);
        if (walked.reachedStop) fresh = walked.lines;
        else {
          // The ref no longer contains what we cached (rewritten by hand): reread it all, and remember it for `doctor`.
          noteRewrite({ replica, from: cached!.tip, to: tip });
          lines = undefined;
          reset = true;
        }
      }
      if (!lines) {
        lines = [];
        fresh = (await this.walk(tip, null)).lines;
      }
      const text = fresh.map((l) => `${JSON.stringify(l)}\n`).join('');
      appends.push({ replica, text, reset });
      nextMeta.replicas[replica] = { tip, bytes: (reset ? 0 : cached!.bytes) + Buffer.byteLength(text) };
      for (const line of [...lines, ...fresh]) {
        if ('e' in line) events.push(line.e);
        else unreadable.push({ commit: line.c, replica, ...line.u });
      }
    }
    for (const [replica, cached] of Object.entries(meta?.replicas ?? {})) {
      if (!(replica in tips)) noteRewrite({ replica, from: cached.tip, to: null });
    }
    await this.writeCache(nextMeta, appends);
    return { events, unreadable, tips };
  }

  /** Parse one commit into a cache line. */
  private async readLine(replica: string, oid: string): Promise<CacheLine & { parent?: string }> {
    let commit;
    try {
      ({ commit } = await readCommit({ fs: durableFs, gitdir: this.gitdir, oid, cache: this.objectCache }));
    } catch (cause) {
      throw new LogbookError('CORRUPT_OBJECT', `cannot read commit ${oid} of replica ${replica}: ${(cause as Error).message}`, {
        hint: 'run `git fsck` and `logbook doctor`',
        cause,
      });
    }
    const parent = commit.parent[0];
    let raw: unknown;
    try {
      raw = payloadOf(commit.message);
    } catch {
      return { c: oid, u: { reason: 'commit message is not a Logbook event (no JSON body)' }, parent };
    }
    const parsed = parseStoredEvent(raw);
    if (parsed.ok) return { c: oid, e: parsed.event, parent };
    return { c: oid, u: { reason: parsed.reason, type: parsed.type, v: parsed.v }, parent };
  }

  /** Commits from `tip` back to (excluding) `stop`, oldest first. */
  private async walk(tip: string, stop: string | null): Promise<{ lines: CacheLine[]; reachedStop: boolean }> {
    const lines: CacheLine[] = [];
    let oid: string | undefined = tip;
    while (oid && oid !== stop) {
      const { parent, ...line } = await this.readLine('', oid);
      lines.push(line as CacheLine);
      oid = parent;
    }
    lines.reverse();
    return { lines, reachedStop: stop === null || oid === stop };
  }

  /** The cache's record of tips (undefined when missing, corrupt or from another version). */
  async readMeta(): Promise<CacheMeta | undefined> {
    try {
      const meta = JSON.parse(await fsp.readFile(path.join(this.cacheDir, 'meta.json'), 'utf8')) as CacheMeta;
      return meta.version === CACHE_VERSION && typeof meta.replicas === 'object' ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  private async readCachedLines(replica: string, bytes: number): Promise<CacheLine[] | undefined> {
    try {
      const buf = await fsp.readFile(path.join(this.cacheDir, `${replica}.ndjson`));
      if (buf.length < bytes) return undefined;
      const text = buf.subarray(0, bytes).toString('utf8');
      return text ? text.trimEnd().split('\n').map((l) => JSON.parse(l) as CacheLine) : [];
    } catch {
      return undefined; // missing or corrupt: rebuilt from git
    }
  }

  /** Best effort: a reader that loses the race for the cache lock just skips writing it. */
  private async writeCache(meta: CacheMeta, appends: Array<{ replica: string; text: string; reset: boolean }>): Promise<void> {
    if (appends.every((a) => !a.text && !a.reset)) {
      const old = await this.readMeta();
      if (old && stringify(old) === stringify(meta)) return;
    }
    const lock = path.join(this.cacheDir, 'cache.lock');
    try {
      await fsp.mkdir(this.cacheDir, { recursive: true });
      const handle = await fsp.open(lock, 'wx').catch(async (e: NodeJS.ErrnoException) => {
        // A lock left by a killed reader would stop the cache from ever being written again.
        if (e.code !== 'EEXIST' || !(await stealIfStale(lock))) throw e;
        return fsp.open(lock, 'wx');
      });
      await handle.close();
    } catch {
      return;
    }
    try {
      for (const { replica, text, reset } of appends) {
        const file = path.join(this.cacheDir, `${replica}.ndjson`);
        if (reset) await fsp.writeFile(file, text);
        else if (text) {
          // Drop any tail a crashed writer left beyond what meta.json vouches for.
          const vouched = meta.replicas[replica]!.bytes - Buffer.byteLength(text);
          await fsp.truncate(file, vouched).catch(() => undefined);
          await fsp.appendFile(file, text);
        }
      }
      const tmp = path.join(this.cacheDir, `meta.json.tmp-${process.pid}`);
      await fsp.writeFile(tmp, JSON.stringify(meta));
      await fsp.rename(tmp, path.join(this.cacheDir, 'meta.json'));
    } finally {
      await fsp.unlink(lock).catch(() => undefined);
    }
  }
}
