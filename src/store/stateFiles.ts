/**
 * The projection states saved beside the event cache in `.git/logbook/cache/`
 * (the views, the commits index, …): `<name>.json`, each valid for the tips
 * and the cache version written in it, and raw text files (packs of closed
 * sessions' states) read by byte range. Disposable: a state that cannot be
 * read is recomputed by its caller, one that cannot be written only costs time.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { SerializedState } from './types.js';

const fileOf = (dir: string, name: string) => path.join(dir, `${name}.json`);

/** An opaque projection state, valid for exactly these tips; undefined when missing, damaged or of another cache version. */
export function loadStateFile<T>(dir: string, name: string, version: string): { tips: Record<string, string>; data: T } | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(fileOf(dir, name), 'utf8')) as { version: string; tips: Record<string, string>; data: T };
    return parsed.version === version ? { tips: parsed.tips, data: parsed.data } : undefined;
  } catch {
    return undefined; // missing or corrupt: the caller recomputes
  }
}

export function saveStateFile(dir: string, name: string, version: string, tips: Record<string, string>, data: unknown): void {
  try {
    const text = data instanceof SerializedState ? `{"version":${JSON.stringify(version)},"tips":${JSON.stringify(tips)},"data":${data.json}}` : JSON.stringify({ version, tips, data });
    writeFileAtomic(fileOf(dir, name), text, { mkdir: true, fsync: false });
  } catch {
    /* a cache that cannot be written is only slower */
  }
}

/** Write the state file `name` as the text given (no version wrapper; pieces in order): a pack of closed sessions' states, named from the views' headers. */
export function saveStateTextFile(dir: string, name: string, text: string | readonly string[]): void {
  try {
    writeFileAtomic(fileOf(dir, name), text, { mkdir: true, fsync: false });
  } catch {
    /* a cache that cannot be written is only slower */
  }
}

/** `length` bytes of the state file `name` from byte `start`, as text; undefined when the file is missing or shorter. */
export function readStateFileSlice(dir: string, name: string, start: number, length: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(fileOf(dir, name), 'r');
    const buf = Buffer.allocUnsafe(length);
    return fs.readSync(fd, buf, 0, length, start) === length ? buf.toString('utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function removeStateFile(dir: string, name: string): void {
  fs.rmSync(fileOf(dir, name), { force: true });
}

/** Names of the saved states that start with `prefix`. */
export function listStateFiles(dir: string, prefix: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}
