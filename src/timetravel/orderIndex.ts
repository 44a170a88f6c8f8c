/**
 * The order index of the event cache: per replica, for each cached line, its
 * place in the file and the fields a cut looks at (clock, id, time, type,
 * session), in plain typed arrays beside the cache
 * (`.git/logbook/cache/timetravel/<replica>.idx`). A view as of a moment
 * reads these (under 100 bytes an event) instead of the whole cache, then parses
 * from the cache file only the lines its fold needs. It grows with the cache
 * file (only the lines appended since are read), is checked against the file
 * it indexes, and is disposable: anything odd and the caller reads the lines.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { LogbookError } from '../errors.js';
import type { JournalEvent } from '../events.js';
import { writeFileAtomic } from '../store/atomic.js';
import { entryOfLine, type Entry } from './entries.js';

const FORMAT = 'logbook-order-index/3';
const ID_BYTES = 26;
const AT_BYTES = 32;

/** One replica's cache file as the store describes it. */
export interface CachedFile {
  replica: string;
  file: string;
  /** Bytes of `file` that hold its lines. */
  bytes: number;
  /** Lines not in the file yet (this read found them). */
  fresh: string[];
}

interface Header {
  format: string;
  replica: string;
  /** Bytes of the cache file indexed. */
  bytes: number;
  count: number;
  /** The commit of the first and of the last indexed line (checked against the file before use). */
  first?: string;
  last?: string;
  types: string[];
  sessions: string[];
  /** The keys of the item.linked events. */
  keys: string[];
}

/** The columns of one replica's index. */
class Columns {
  /** Set once the columns are in use: where their lines are read from, and how a mismatch drops the index. */
  lines!: LineReader;
  drop!: () => void;
  offset: Float64Array;
  clock: Float64Array;
  /** The time in epoch ms where `at` is in the canonical form (toISOString's), which orders as the text does; else NaN. */
  atMs: Float64Array;
  length: Uint32Array;
  session: Int32Array;
  type: Uint16Array;
  item: Int32Array;
  atLength: Uint8Array;
  ids: Buffer;
  ats: Buffer;
  constructor(
    readonly count: number,
    readonly types: string[],
    readonly sessions: string[],
    readonly keys: string[],
  ) {
    this.offset = new Float64Array(count);
    this.clock = new Float64Array(count);
    this.atMs = new Float64Array(count);
    this.length = new Uint32Array(count);
    this.session = new Int32Array(count);
    this.type = new Uint16Array(count);
    this.item = new Int32Array(count);
    this.atLength = new Uint8Array(count);
    this.ids = Buffer.alloc(count * ID_BYTES);
    this.ats = Buffer.alloc(count * AT_BYTES);
  }
}

const parts = (c: Columns) => [c.offset, c.clock, c.atMs, c.length, c.session, c.item, c.type, c.atLength, c.ids, c.ats];

function serialise(header: Header, c: Columns): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...parts(c).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
}

function deserialise(buf: Buffer): { header: Header; columns: Columns } | undefined {
  const nl = buf.indexOf(10);
  if (nl < 0) return undefined;
  const header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Header;
  if (header.format !== FORMAT || !Number.isInteger(header.count) || !Array.isArray(header.types) || !Array.isArray(header.sessions) || !Array.isArray(header.keys)) return undefined;
  const c = new Columns(header.count, header.types, header.sessions, header.keys);
  let at = nl + 1;
  for (const a of parts(c)) {
    if (at + a.byteLength > buf.length) return undefined;
    // Copied into the column's own (aligned) memory.
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(buf.subarray(at, at + a.byteLength));
    at += a.byteLength;
  }
  return at === buf.length ? { header, columns: c } : undefined;
}

/** The cache file's `bytes` at `offset` begin the line of `commit`. */
function lineOfCommitAt(fd: number, offset: number, commit: string): boolean {
  const head = Buffer.from(`{"c":"${commit}"`);
  const got = Buffer.alloc(head.length);
  return readSync(fd, got, 0, got.length, offset) === got.length && got.equals(head);
}

const commitOf = (line: string) => (line.startsWith('{"c":"') ? line.slice(6, line.indexOf('"', 6)) : '');

interface Row {
  offset: number;
  length: number;
  entry: Entry;
  commit: string;
}

/** The entries of the lines in `text`, which starts at byte `base` of the file. */
function indexLines(text: string, base: number, rows: Row[]): void {
  let offset = base;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const length = Buffer.byteLength(line);
    if (line) {
      const entry = entryOfLine(line);
      if (entry) rows.push({ offset, length, entry, commit: commitOf(line) });
    }
    offset += length + 1;
    start = end + 1;
  }
}

/**
 * Reads lines of one cache file by their place: one read per line while a
 * fold needs few of them (a session, the tail, the item events), the whole
 * file once when it needs many (a past rebuild folds everything).
 */
class LineReader {
  private fd: number | undefined;
  private whole: Buffer | undefined;
  private reads = 0;
  private static readonly WHOLE_AFTER = 8192;
  constructor(private readonly file: string) {}

  line(offset: number, length: number): string {
    if (!this.whole && ++this.reads > LineReader.WHOLE_AFTER) this.whole = readFileSync(this.file);
    if (this.whole) return this.whole.toString('utf8', offset, offset + length);
    const buf = Buffer.allocUnsafe(length);
    const got = readSync((this.fd ??= openSync(this.file, 'r')), buf, 0, length, offset);
    return buf.toString('utf8', 0, got);
  }
}

/** An entry of the index: its fields read from the columns, its body from the cache file on first use. */
class IndexedEntry implements Entry {
  private body: JournalEvent | undefined;
  constructor(
    private readonly c: Columns,
    private readonly i: number,
  ) {}

  get id(): string {
    return this.c.ids.toString('latin1', this.i * ID_BYTES, (this.i + 1) * ID_BYTES);
  }
  get clock(): number {
    return this.c.clock[this.i]!;
  }
  get at(): string {
    return this.c.ats.toString('latin1', this.i * AT_BYTES, this.i * AT_BYTES + this.c.atLength[this.i]!);
  }
  get atMs(): number | undefined {
    const ms = this.c.atMs[this.i]!;
    return Number.isNaN(ms) ? undefined : ms;
  }
  get type(): string {
    return this.c.types[this.c.type[this.i]!]!;
  }
  get session(): string | undefined {
    const s = this.c.session[this.i]!;
    return s < 0 ? undefined : this.c.sessions[s];
  }
  get itemKey(): string | undefined {
    const k = this.c.item[this.i]!;
    return k < 0 ? undefined : this.c.keys[k];
  }

  event(): JournalEvent {
    if (this.body) return this.body;
    const line = this.c.lines.line(this.c.offset[this.i]!, this.c.length[this.i]!);
    let e: JournalEvent | undefined;
    try {
      e = (JSON.parse(line) as { e?: JournalEvent }).e;
    } catch {
      e = undefined;
    }
    if (!e || e.id !== this.id || e.clock !== this.clock) {
      this.c.drop();
      throw new LogbookError('CORRUPT_OBJECT', 'the time-travel index did not match the Logbook cache (changed while it was read?); it has been dropped', { hint: 'run the command again' });
    }
    return (this.body = e);
  }
}

/** The epoch ms of an ISO time in toISOString's form (where text order is time order), else NaN. */
function canonicalMs(at: string): number {
  const ms = at.length === 24 ? Date.parse(at) : NaN;
  return !Number.isNaN(ms) && new Date(ms).toISOString() === at ? ms : NaN;
}

/** An index row is storable when its fields fit the columns (ULID ids, ISO times); otherwise the caller reads the lines. */
const storable = (e: Entry) => e.id.length === ID_BYTES && e.at.length <= AT_BYTES && /^[\x20-\x7e]*$/.test(e.id + e.at);

type Index = { header: Header; columns: Columns };

/**
 * One replica's entries from its index, brought up to `f.bytes` of its cache
 * file first (and saved) when the file grew; undefined when the file and the
 * index disagree in a way only a full read settles.
 */
function replicaEntries(dir: string, f: CachedFile, out: Entry[]): boolean {
  const indexFile = path.join(dir, `${f.replica}.idx`);
  let size: number;
  try {
    size = statSync(f.file).size;
  } catch {
    return !f.bytes;
  }
  if (size < f.bytes) return false;
  const fd = f.bytes ? openSync(f.file, 'r') : undefined;
  try {
    let index = savedIndex(indexFile, f, fd);
    if (!index || index.header.bytes < f.bytes) {
      index = extendIndex(f, fd, index);
      if (!index) return false;
      try {
        writeFileAtomic(indexFile, serialise(index.header, index.columns), { mkdir: true, fsync: false });
      } catch {
        /* an index that cannot be written is only slower next time */
      }
    }
    const c = index.columns;
    c.lines = new LineReader(f.file);
    c.drop = () => dropIndex(indexFile);
    for (let i = 0; i < c.count; i++) out.push(new IndexedEntry(c, i));
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The saved index of `f`'s replica when it still describes a prefix of the cache file (its first and last lines where it says); else undefined. */
function savedIndex(indexFile: string, f: CachedFile, fd: number | undefined): Index | undefined {
  let old: Index | undefined;
  try {
    old = deserialise(readFileSync(indexFile));
  } catch {
    return undefined;
  }
  if (!old) return undefined;
  if (old.header.replica !== f.replica || old.header.bytes > f.bytes) return undefined;
  if (old.header.count && fd !== undefined) {
    const c = old.columns;
    const last = old.header.count - 1;
    if (!lineOfCommitAt(fd, c.offset[0]!, old.header.first ?? '') || !lineOfCommitAt(fd, c.offset[last]!, old.header.last ?? '')) return undefined;
  }
  return old;
}

/** `old` (or nothing) extended by the lines the cache file holds after it, up to `f.bytes`; undefined when a line cannot be stored. */
function extendIndex(f: CachedFile, fd: number | undefined, old: Index | undefined): Index | undefined {
  // Read only what the index lacks: the lines appended since (all of them without an index).
  const from = old ? old.header.bytes : 0;
  const buf = Buffer.alloc(f.bytes - from);
  if (buf.length) readSync(fd!, buf, 0, buf.length, from);
  const rows: Row[] = [];
  indexLines(buf.toString('utf8'), from, rows); // a line that is not JSON throws: journalEntries then reads through the store, which rebuilds the cache
  if (!rows.every((r) => storable(r.entry))) return undefined;
  const types = [...(old?.header.types ?? [])];
  const sessions = [...(old?.header.sessions ?? [])];
  const keys = [...(old?.header.keys ?? [])];
  const kept = old?.columns.count ?? 0;
  const next = new Columns(kept + rows.length, types, sessions, keys);
  if (old) {
    const before = parts(old.columns);
    parts(next).forEach((a, k) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(new Uint8Array(before[k]!.buffer, before[k]!.byteOffset, before[k]!.byteLength)));
  }
  fillRows(next, kept, rows, { types, sessions, keys });
  const first = kept ? old!.header.first : rows[0]?.commit;
  const last = rows.length ? rows.at(-1)!.commit : old?.header.last;
  return { header: { format: FORMAT, replica: f.replica, bytes: f.bytes, count: next.count, ...(first ? { first } : {}), ...(last ? { last } : {}), types, sessions, keys }, columns: next };
}

/** Write `rows` into `next` from row `kept` on, adding the types, sessions and item keys they name to the header's tables. */
function fillRows(next: Columns, kept: number, rows: Row[], tables: { types: string[]; sessions: string[]; keys: string[] }): void {
  const { types, sessions, keys } = tables;
  const keyIx = new Map(keys.map((k, i) => [k, i]));
  const typeIx = new Map(types.map((t, i) => [t, i]));
  const sessionIx = new Map(sessions.map((s, i) => [s, i]));
  rows.forEach(({ offset, length, entry }, j) => {
    const i = kept + j;
    next.offset[i] = offset;
    next.length[i] = length;
    next.clock[i] = entry.clock;
    let t = typeIx.get(entry.type);
    if (t === undefined) typeIx.set(entry.type, (t = types.push(entry.type) - 1));
    next.type[i] = t;
    if (entry.session === undefined) next.session[i] = -1;
    else {
      let s = sessionIx.get(entry.session);
      if (s === undefined) sessionIx.set(entry.session, (s = sessions.push(entry.session) - 1));
      next.session[i] = s;
    }
    const key = entry.itemKey;
    if (key === undefined) next.item[i] = -1;
    else {
      let k = keyIx.get(key);
      if (k === undefined) keyIx.set(key, (k = keys.push(key) - 1));
      next.item[i] = k;
    }
    next.ids.write(entry.id, i * ID_BYTES, 'latin1');
    next.atLength[i] = next.ats.write(entry.at, i * AT_BYTES, 'latin1');
    next.atMs[i] = canonicalMs(entry.at);
  });
}

function dropIndex(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Every replica's entries from the order index (the fresh lines of this read
 * added from memory), unordered; undefined when a full read of the lines is
 * needed instead.
 */
export function indexedEntries(files: readonly CachedFile[]): Entry[] | undefined {
  if (!files.length) return [];
  const dir = path.join(path.dirname(files[0]!.file), 'timetravel');
  const out: Entry[] = [];
  for (const f of files) {
    if (!replicaEntries(dir, f, out)) return undefined;
    for (const line of f.fresh) {
      const e = entryOfLine(line);
      if (e) out.push(e);
    }
  }
  return out;
}

/** What `logbook doctor` finds wrong with one replica's order index. */
export interface OrderIndexProblem {
  file: string;
  problem: string;
}

/**
 * Check every order index in `cacheDir` against the events of each replica
 * as the walk read them from git (oldest first): each indexed row must be
 * that event's id, clock, time, type, session and item key, in that order.
 * An index covers a prefix of its replica (it grows when a view reads it).
 */
export function checkOrderIndexes(cacheDir: string, walked: ReadonlyMap<string, readonly JournalEvent[]>): OrderIndexProblem[] {
  const dir = path.join(cacheDir, 'timetravel');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.idx'));
  } catch {
    return [];
  }
  const out: OrderIndexProblem[] = [];
  for (const name of names.sort()) {
    const file = path.join('timetravel', name);
    let read: { header: Header; columns: Columns } | undefined;
    try {
      read = deserialise(readFileSync(path.join(dir, name)));
    } catch {
      read = undefined;
    }
    if (!read) {
      out.push({ file, problem: 'is damaged or of another format' });
      continue;
    }
    const { header, columns: c } = read;
    const events = walked.get(header.replica);
    if (`${header.replica}.idx` !== name || !events) {
      out.push({ file, problem: `indexes replica ${header.replica}, which ${events ? 'is another file’s' : 'the journal does not have'}` });
      continue;
    }
    if (c.count > events.length) {
      out.push({ file, problem: `holds ${c.count} events, replica ${header.replica} ${events.length}` });
      continue;
    }
    for (let i = 0; i < c.count; i++) {
      const e = events[i]!;
      const row = new IndexedEntry(c, i);
      const ms = row.atMs;
      const key = e.type === 'item.linked' ? e.data.key : undefined;
      if (row.id !== e.id || row.clock !== e.clock || row.at !== e.at || row.type !== e.type || row.session !== e.session || row.itemKey !== key || (ms !== undefined && new Date(ms).toISOString() !== e.at)) {
        out.push({ file, problem: `says other than the journal for event ${e.id} (the ${i + 1}th of replica ${header.replica})` });
        break;
      }
    }
  }
  return out;
}
