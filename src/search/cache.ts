/**
 * The search index on disk, beside the event cache in `.git/logbook/cache/search/`:
 * a manifest (tips, session and actor tables, hidden ids, segment files)
 * and one binary file per segment. Disposable: anything missing, damaged or
 * of another format is rebuilt from the events without a word. Updated
 * incrementally: what is new since the manifest's tips becomes one small
 * segment (see corpus.ts for merging), so after a fetch only the fetched
 * events are indexed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import type { EventStore } from '../store/types.js';
import { CACHE_VERSION } from '../store/git.js';
import { stealIfStale } from '../store/refs.js';
import type { JournalEvent } from '../events.js';
import { DamagedIndex, addEvents, corpusOf, type ActorEntry, type Corpus, type SegmentRef, type SessionEntry } from './corpus.js';
import { decodeSegment, encodeSegment, type Segment } from './segment.js';

/** The index format; with the event cache's version, so an upgrade that reads events differently reindexes. */
export const INDEX_VERSION = `2/${CACHE_VERSION}`;
const MANIFEST = 'manifest.json';
const LOCK = 'index.lock';
const STALE_LOCK_MS = 10_000;

interface Manifest {
  version: string;
  tips: Record<string, string>;
  segments: Array<{ file: string; n: number }>;
  sessions: SessionColumns;
  actors: ActorEntry[];
  hidden: string[];
}

/**
 * The session table as columns, one string each (thousands of sessions parse
 * as four strings, not thousands of objects): ids, short names and the
 * session.started events' ids separated by spaces (the schemas allow none in
 * any of them), and per session one digit, 1 if started + 2 if closed.
 */
interface SessionColumns {
  n: number;
  ids: string;
  shortnames: string;
  startedBy: string;
  flags: string;
}

const toColumns = (sessions: readonly SessionEntry[]): SessionColumns => ({
  n: sessions.length,
  ids: sessions.map((s) => s.id).join(' '),
  shortnames: sessions.map((s) => s.shortname).join(' '),
  startedBy: sessions.map((s) => s.startedBy ?? '').join(' '),
  flags: sessions.map((s) => (s.started ? 1 : 0) + (s.closed ? 2 : 0)).join(''),
});

function fromColumns(c: SessionColumns | undefined): SessionEntry[] | undefined {
  if (!c || typeof c.n !== 'number' || typeof c.ids !== 'string' || typeof c.shortnames !== 'string' || typeof c.startedBy !== 'string' || typeof c.flags !== 'string') return undefined;
  if (c.n === 0) return [];
  const ids = c.ids.split(' ');
  const names = c.shortnames.split(' ');
  const by = c.startedBy.split(' ');
  if (ids.length !== c.n || names.length !== c.n || by.length !== c.n || c.flags.length !== c.n) return undefined;
  const out: SessionEntry[] = new Array<SessionEntry>(c.n);
  for (let i = 0; i < c.n; i++) {
    const f = c.flags.charCodeAt(i) - 48;
    const e: SessionEntry = { id: ids[i]!, shortname: names[i]!, started: (f & 1) === 1, closed: (f & 2) === 2 };
    if (by[i]) e.startedBy = by[i]!;
    out[i] = e;
  }
  return out;
}

/** Where the index of the repository at `gitdir` lives. */
export const searchDir = (gitdir: string): string => path.join(gitdir, 'logbook', 'cache', 'search');

function readManifest(dir: string): (Manifest & { table: SessionEntry[] }) | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    if (m.version !== INDEX_VERSION || !Array.isArray(m.segments) || !Array.isArray(m.actors) || !Array.isArray(m.hidden) || typeof m.tips !== 'object') return undefined;
    const table = fromColumns(m.sessions);
    return table ? { ...m, table } : undefined;
  } catch {
    // no index or a damaged manifest: the index is rebuilt from the journal
    return undefined;
  }
}

/**
 * The corpus the manifest describes, its segments read on first use; or
 * undefined when there is no usable manifest.
 */
export function loadCorpus(dir: string): Corpus | undefined {
  const m = readManifest(dir);
  if (!m) return undefined;
  const segments: SegmentRef[] = m.segments.map(({ file, n }) => {
    let s: Segment | undefined;
    return {
      n,
      file,
      get: () => {
        if (s) return s;
        let buf: Buffer;
        try {
          buf = fs.readFileSync(path.join(dir, file));
        } catch {
          // the manifest names it: missing or unreadable means a damaged index, rebuilt by the caller
          throw new DamagedIndex(`${file} is missing`);
        }
        const decoded = decodeSegment(buf);
        if (!decoded || decoded.n !== n) throw new DamagedIndex(`${file} is damaged`);
        return (s = decoded);
      },
    };
  });
  return { tips: m.tips, segments, sessions: m.table, actors: m.actors, hidden: new Set(m.hidden) };
}

/** The index is disposable: atomic (a reader never sees half a file), not fsynced. */
const writeAtomic = (file: string, data: string | Buffer) => writeFileAtomic(file, data, { fsync: false });

/**
 * Save the corpus: new segment files first, then the manifest that names
 * them (one rename), then files no manifest names. Best effort, under a
 * lock: a process that cannot take it, or finds that another process saved
 * meanwhile, leaves the index as that one saved it.
 */
export async function saveCorpus(dir: string, c: Corpus, expected: string[] | undefined): Promise<void> {
  const lock = path.join(dir, LOCK);
  try {
    fs.mkdirSync(dir, { recursive: true });
    await stealIfStale(lock, STALE_LOCK_MS);
    fs.closeSync(fs.openSync(lock, 'wx'));
  } catch {
    // another process is saving it (or it cannot be written): the index is disposable, the next save catches up
    return;
  }
  try {
    const now = readManifest(dir);
    if (expected ? !now || now.segments.map((s) => s.file).join() !== expected.join() : now) return;
    const segments = c.segments.map((ref) => {
      if (!ref.file) {
        const bytes = encodeSegment(ref.get());
        ref.file = `seg-${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}.bin`;
        writeAtomic(path.join(dir, ref.file), bytes);
      }
      return { file: ref.file, n: ref.n };
    });
    const manifest: Manifest = { version: INDEX_VERSION, tips: c.tips, segments, sessions: toColumns(c.sessions), actors: c.actors, hidden: [...c.hidden] };
    writeAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest));
    const kept = new Set(segments.map((s) => s.file));
    for (const name of fs.readdirSync(dir)) if (name.startsWith('seg-') && name.endsWith('.bin') && !kept.has(name)) fs.rmSync(path.join(dir, name), { force: true });
  } catch {
    /* the index is disposable: an unwritable one is only slower */
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

const sameTips = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/**
 * Index `events` (new since the saved index's tips) into the index in `dir`
 * and save it, reading only the segments a merge or a redaction touches: the
 * cost of an update is that of the new events, whatever the journal's size.
 * Returns the corpus, or undefined when there is no usable index to update.
 */
export async function updateCorpus(dir: string, events: readonly JournalEvent[], tips: Record<string, string>, loaded: Corpus | undefined = loadCorpus(dir)): Promise<Corpus | undefined> {
  if (!loaded) return undefined;
  const files = loaded.segments.map((s) => s.file!);
  addEvents(loaded, events, tips);
  await saveCorpus(dir, loaded, files);
  return loaded;
}

/**
 * The index, brought up to the store's tips: loaded from `dir` and given
 * what is new since it was saved, or rebuilt from every event when it is
 * missing, damaged, or no longer a prefix of the journal (a rewritten ref).
 * Without `dir` (a store with no cache, e.g. in memory) it is built each time.
 */
export async function openCorpus(store: EventStore, dir: string | undefined): Promise<Corpus> {
  const loaded = dir ? loadCorpus(dir) : undefined;
  if (loaded) {
    try {
      const delta = await store.readNew(loaded.tips);
      if (delta.complete) {
        const c = delta.events.length || !sameTips(delta.tips, loaded.tips) ? (await updateCorpus(dir!, delta.events, delta.tips, loaded))! : loaded;
        for (const s of c.segments) s.get(); // every segment intact, or rebuild
        return c;
      }
    } catch (e) {
      if (!(e instanceof DamagedIndex)) throw e;
    }
  }
  const { events, tips } = await store.read();
  const c = corpusOf(events, tips);
  if (dir) await saveCorpus(dir, c, readManifest(dir)?.segments.map((s) => s.file));
  return c;
}
