/**
 * The files of the disposable event cache in `.git/logbook/cache/`: meta.json
 * (per replica the tip it vouches for and the byte length of its file) and
 * one `<replica>.ndjson` of cache lines per replica. The store writes them;
 * the store and `logbook doctor` read them through here.
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
