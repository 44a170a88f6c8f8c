/**
 * The files of the disposable event cache in `.git/logbook/cache/`: meta.json
 * (per replica the tip it vouches for and the byte length of its file) and
 * one `<replica>.ndjson` of cache lines per replica. The store (which
 * decides when to write, under its cache lock) and `logbook doctor` read
 * them through here.
 */
import * as fs from 'node:fs';
import { readFileSync } from 'node:fs';
import { LogbookError } from '../errors.js';
import path from 'node:path';
import type { JournalEvent, UnreadableRecord } from '../events.js';

/** A replica ref found not to contain the tip an earlier read cached: rewritten, reset or deleted by hand. */
export interface RewriteRecord {
  replica: string;
  from: string;
  to: string | null;
}

export interface CacheMeta {
  version: string;
  /** Per replica: the tip the cache file vouches for, its length, and the Lamport clock of the tip event. */
  replicas: Record<string, { tip: string; bytes: number; clock?: number }>;
  /** Refs found rewritten or deleted by an earlier read, kept until `logbook doctor --repair` deals with them. */
  rewrites?: RewriteRecord[];
}

/** One cached line: a commit and either its event or why it is unreadable. */
export type CacheLine = { c: string; e: JournalEvent } | { c: string; u: Omit<UnreadableRecord, 'commit' | 'replica'> };

/** Where a repository's disposable cache lives. */
export const cacheDirOf = (gitdir: string) => path.join(gitdir, 'logbook', 'cache');

/** meta.json as it is on disk, unchecked (doctor reports what is wrong with it): or why it cannot be read. */
export function readCacheMetaFile(cacheDir: string): { meta?: Partial<CacheMeta> & Record<string, unknown>; problem?: string; missing?: boolean } {
  let text: string;
  try {
    text = readFileSync(path.join(cacheDir, 'meta.json'), 'utf8');
  } catch {
    return { missing: true };
  }
  try {
    const meta = JSON.parse(text) as Partial<CacheMeta> & Record<string, unknown>;
    if (!meta || typeof meta !== 'object') return { problem: 'meta.json is not a JSON object' };
    return { meta };
  } catch {
    return { problem: 'meta.json is not valid JSON' };
  }
}

/** The first `bytes` of a replica's cache file as lines, or what is wrong with it. */
export function readCacheLines(cacheDir: string, replica: string, bytes: number): CacheLine[] | string {
  let buf: Buffer;
  try {
    buf = readFileSync(path.join(cacheDir, `${replica}.ndjson`));
  } catch {
    return `${replica}.ndjson is missing`;
  }
  if (buf.length < bytes) return `${replica}.ndjson is ${buf.length} bytes, meta.json vouches for ${bytes}`;
  const text = buf.subarray(0, bytes).toString('utf8');
  if (!text) return [];
  const lines: CacheLine[] = [];
  for (const l of text.trimEnd().split('\n')) {
    let line: CacheLine;
    try {
      line = JSON.parse(l) as CacheLine;
    } catch {
      return `${replica}.ndjson holds a line that is not JSON`;
    }
    if (!line || typeof line !== 'object' || typeof line.c !== 'string' || !('e' in line || 'u' in line)) return `${replica}.ndjson holds a line that is not a cache entry`;
    lines.push(line);
  }
  return lines;
}

/** The first `bytes` of a cache file as lines, last first, read from the end in chunks (a newline byte never occurs inside a UTF-8 sequence). */
export function* cacheLinesBackward(file: string, bytes: number, replica: string, CHUNK = 64 * 1024): Generator<string> {
  const damaged = () => new LogbookError('CORRUPT_OBJECT', `the Logbook cache of replica ${replica} was damaged or changed while it was read; it has been dropped`, { hint: 'run the command again' });
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    throw damaged();
  }
  try {
    if (fs.fstatSync(fd).size < bytes) throw damaged();
    let end = bytes;
    let rest = Buffer.alloc(0); // the start of a line whose beginning is in an earlier chunk
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const chunk = Buffer.allocUnsafe(end - start);
      if (fs.readSync(fd, chunk, 0, chunk.length, start) !== chunk.length) throw damaged();
      const buf = rest.length ? Buffer.concat([chunk, rest]) : chunk;
      let stop = buf.length;
      // lastIndexOf is native: a loop over the bytes would run in the interpreter in a short process.
      for (let i = buf.lastIndexOf(10, stop - 1); i >= 0; i = i > 0 ? buf.lastIndexOf(10, i - 1) : -1) {
        if (stop > i + 1) yield buf.toString('utf8', i + 1, stop);
        stop = i;
      }
      rest = buf.subarray(0, stop);
      end = start;
    }
    if (rest.length) yield rest.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** meta.json when it is of this cache version and well formed; undefined otherwise (the store reads the refs again). */
export function readCacheMeta(cacheDir: string, version: string): CacheMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(path.join(cacheDir, 'meta.json'), 'utf8')) as CacheMeta;
    return meta.version === version && typeof meta.replicas === 'object' && meta.replicas !== null ? meta : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cache file still holds what meta.json vouches for: at least `bytes`
 * bytes, the last vouched line being the commit `tip`. Cheap (reads the tail
 * only), and catches a file rewritten or damaged behind meta.json's back.
 */
export function cacheFileHolds(cacheDir: string, replica: string, bytes: number, tip: string): boolean {
  const file = path.join(cacheDir, `${replica}.ndjson`);
  try {
    if (fs.statSync(file).size < bytes) return false;
    if (bytes === 0) return true;
    const window = Math.min(bytes, 64 * 1024);
    const buf = Buffer.alloc(window);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buf, 0, window, bytes - window);
    } finally {
      fs.closeSync(fd);
    }
    if (buf[window - 1] !== 0x0a) return false;
    const start = buf.lastIndexOf(0x0a, window - 2) + 1;
    if (start === 0 && window < bytes) return true; // one line longer than the window: the size has to do
    const head = `{"c":"${tip}"`;
    return buf.subarray(start, start + head.length).toString('latin1') === head;
  } catch {
    return false;
  }
}

/** The first `bytes` of a replica's cache file as text; undefined when missing or shorter. */
export function readCachedText(cacheDir: string, replica: string, bytes: number): string | undefined {
  try {
    const buf = readFileSync(path.join(cacheDir, `${replica}.ndjson`));
    return buf.length < bytes ? undefined : buf.subarray(0, bytes).toString('utf8');
  } catch {
    return undefined; // missing or corrupt
  }
}

/** The cached lines after commit `after` (oldest first), read from the end of the first `bytes`; undefined when it is not there. */
export function cachedLinesAfter(cacheDir: string, replica: string, bytes: number, after: string): CacheLine[] | undefined {
  const head = `{"c":"${after}"`;
  const text: string[] = [];
  try {
    for (const line of cacheLinesBackward(path.join(cacheDir, `${replica}.ndjson`), bytes, replica)) {
      if (line.startsWith(head)) return text.reverse().map((l) => JSON.parse(l) as CacheLine);
      text.push(line);
    }
  } catch {
    /* damaged or changed: the caller walks the commits */
  }
  return undefined;
}

/** A replica's cached lines (the first `bytes`), or undefined when missing or damaged. */
export function readCachedLinesOf(cacheDir: string, replica: string, bytes: number): CacheLine[] | undefined {
  const lines = readCacheLines(cacheDir, replica, bytes);
  return typeof lines === 'string' ? undefined : lines;
}

const LINES_PER_PIECE = 1000;

/** A cache line as JSON.stringify writes it; an event's line without the wrapper object (the commit id is hex: nothing to escape). */
const lineText = (l: CacheLine) => ('e' in l ? `{"c":"${l.c}","e":${JSON.stringify(l.e)}}` : JSON.stringify(l));

/** Cache lines as text to append, in pieces of a thousand lines. */
export function linesText(lines: CacheLine[]): string[] {
  const pieces: string[] = [];
  // Joined, not concatenated: each piece is one flat string (its length and its write need no flattening).
  for (let i = 0; i < lines.length; i += LINES_PER_PIECE) pieces.push(`${lines.slice(i, i + LINES_PER_PIECE).map(lineText).join('\n')}\n`);
  return pieces;
}
