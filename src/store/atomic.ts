/**
 * The one way Logbook writes a file that must never be seen half-written:
 * a temp file beside it (created exclusively, unique name), written, fsynced,
 * renamed over the target — and removed again when anything fails, so a
 * full disk or a read-only directory leaves nothing behind. Failures become
 * a NOT_WRITABLE error that says which of the usual causes it is.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { LogbookError, isLogbookError } from '../errors.js';

export interface AtomicWriteOptions {
  /** Mode of the new file (default 0o644; git objects are 0o444). */
  mode?: number;
  /** Temp-file name prefix (default `.<name>.tmp-`); objects use git's own `tmp_obj_`, which fsck ignores and gc removes. */
  tmpPrefix?: string;
  /** fsync before the rename (default true; a disposable cache may skip it). */
  fsync?: boolean;
  /** Create the parent directory first. */
  mkdir?: boolean;
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

/** A unique temp-file name: pid plus random bytes, never a fixed `tmp-<pid>` two writers of one process could share. */
export function tempName(prefix: string): string {
  return `${prefix}${process.pid}_${randomBytes(6).toString('hex')}`;
}

/** Write `file` atomically (see the module comment), from one string or buffer or from pieces in order. Throws NOT_WRITABLE with the cause and a hint. */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly string[], options: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  if (options.mkdir) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw writeError(e, dir);
    }
  }
  const tmp = path.join(dir, tempName(options.tmpPrefix ?? `.${path.basename(file)}.tmp-`));
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', options.mode ?? 0o644);
    // Pieces are written one after the other: a large file is never made into one string first.
    if (Array.isArray(data)) for (const piece of data as readonly string[]) fs.writeFileSync(fd, piece);
    else fs.writeFileSync(fd, data as string | Uint8Array);
    if (options.fsync !== false) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing: the write error below is what matters */
      }
    }
    fs.rmSync(tmp, { force: true });
    throw writeError(e, file);
  }
}

/**
 * A failed write as a LogbookError that names the real cause: a full disk,
 * a read-only or foreign-owned `.git`, or a directory that vanished.
 */
export function writeError(e: unknown, file: string): Error {
  if (isLogbookError(e)) return e;
  const code = errno(e);
  const where = file;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new LogbookError('NOT_WRITABLE', `cannot write ${where}: the disk is full (${code})`, { hint: 'free some space (or raise the quota) and run the command again; nothing was half-written', cause: e });
    case 'EROFS':
      return new LogbookError('NOT_WRITABLE', `cannot write ${where}: the file system is read-only (EROFS)`, { hint: 'run Logbook where the repository is writable; nothing was written', cause: e });
    case 'EACCES':
    case 'EPERM':
      return new LogbookError('NOT_WRITABLE', `cannot write ${where}: permission denied (${code})`, { hint: 'check the ownership and permissions of the .git directory (`ls -ld .git .git/objects .git/refs`); nothing was written', cause: e });
    case 'ENOENT':
    case 'ENOTDIR':
      return new LogbookError('NOT_WRITABLE', `cannot write ${where}: a directory on its path is missing or cannot be created (${code})`, { hint: 'check that the .git directory is complete and writable (`git fsck`, `ls -ld .git/objects`); nothing was written', cause: e });
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

/** mkdir -p that fails with the same clear errors. */
export function makeDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    // A recursive mkdir under a read-only directory can report ENOENT; say what really stops it.
    if (errno(e) === 'ENOENT') {
      let parent = path.dirname(dir);
      while (!fs.existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
      try {
        fs.accessSync(parent, fs.constants.W_OK);
      } catch (denied) {
        throw writeError(denied, dir);
      }
    }
    throw writeError(e, dir);
  }
}

/** isomorphic-git's writeFile: objects atomically and durably (read-only, as git writes them), anything else plainly. */
function atomicWriteFile(file: string, data: string | Uint8Array, options?: fs.WriteFileOptions): void {
  if (!file.includes(`${path.sep}objects${path.sep}`)) return fs.writeFileSync(file, data, options);
  writeFileAtomic(file, data, { mode: 0o444, tmpPrefix: 'tmp_obj_' });
}

/**
 * The filesystem handed to isomorphic-git: node's synchronous calls behind
 * its promise interface (a journal append is a handful of tiny files, where
 * the thread-pool round trips of async fs cost more than the work), with
 * object writes that are atomic and durable: temp file, fsync, rename.
 */
const sync =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  async (...args: A): Promise<R> =>
    fn(...args);
export const durableFs = {
  promises: {
    readFile: sync(fs.readFileSync as (...a: unknown[]) => unknown),
    writeFile: sync(atomicWriteFile),
    mkdir: sync(fs.mkdirSync as (...a: unknown[]) => unknown),
    rmdir: sync(fs.rmdirSync),
    unlink: sync(fs.unlinkSync),
    stat: sync(fs.statSync as (...a: unknown[]) => unknown),
    lstat: sync(fs.lstatSync as (...a: unknown[]) => unknown),
    readdir: sync(fs.readdirSync as (...a: unknown[]) => unknown),
    readlink: sync(fs.readlinkSync as (...a: unknown[]) => unknown),
    symlink: sync(fs.symlinkSync),
    chmod: sync(fs.chmodSync),
  },
};
