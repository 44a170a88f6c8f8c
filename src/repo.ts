/**
 * Finding the repository and its Logbook configuration. Pure filesystem reads:
 * no git binary, no isomorphic-git, so it is cheap on every command's start-up.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { LogbookError } from './errors.js';

export interface Repo {
  /** The work tree (undefined for a bare repository). */
  workTree: string | undefined;
  /** The git directory that holds objects and refs (the common dir for worktrees). */
  gitdir: string;
}

/** Find the repository that contains `cwd`, the way git does (walking up to `.git`). */
export function findRepo(cwd: string): Repo {
  let dir = path.resolve(cwd);
  for (;;) {
    const dotgit = path.join(dir, '.git');
    if (existsSync(dotgit)) {
      let gitdir = dotgit;
      if (statSync(dotgit).isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotgit, 'utf8'));
        if (m) gitdir = path.resolve(dir, m[1]!.trim());
      }
      const common = path.join(gitdir, 'commondir');
      if (existsSync(common)) gitdir = path.resolve(gitdir, readFileSync(common, 'utf8').trim());
      return { workTree: dir, gitdir };
    }
    if (existsSync(path.join(dir, 'HEAD')) && existsSync(path.join(dir, 'objects')) && existsSync(path.join(dir, 'refs'))) {
      return { workTree: undefined, gitdir: dir };
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new LogbookError('NOT_A_GIT_REPO', `${path.resolve(cwd)} is not inside a git repository`, {
        hint: 'run `git init` first, or cd into your project',
      });
    }
    dir = parent;
  }
}

export type GitConfig = Record<string, string>;

/**
 * A minimal reader of git's config format, enough for `section.key` and
 * `section.sub.key` values. Later files override earlier ones, as in git.
 */
export function parseGitConfig(text: string, into: GitConfig = {}): GitConfig {
  let section = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/(^|\s)[#;].*$/, '').trim();
    if (!line) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]$/.exec(line);
    if (header) {
      section = header[1]!.toLowerCase() + (header[2] !== undefined ? `.${header[2]}` : '');
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (kv && section) {
      let value = kv[2] ?? 'true';
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
      into[`${section}.${kv[1]!.toLowerCase()}`] = value;
    }
  }
  return into;
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // absent or unreadable: callers treat it as empty (HEAD, packed-refs, git config: best-effort position and settings)
    return '';
  }
}

/** Global (~/.gitconfig, XDG) then repository config, later wins. */
export function readGitConfig(gitdir: string, env: NodeJS.ProcessEnv): GitConfig {
  const config: GitConfig = {};
  const home = env.HOME ?? env.USERPROFILE;
  if (home) {
    const xdg = env.XDG_CONFIG_HOME ?? path.join(home, '.config');
    parseGitConfig(readIfExists(path.join(xdg, 'git', 'config')), config);
    parseGitConfig(readIfExists(path.join(home, '.gitconfig')), config);
  }
  parseGitConfig(readIfExists(path.join(gitdir, 'config')), config);
  return config;
}

/** The replica id of this clone, or undefined before `logbook init`. */
export function readReplicaId(gitdir: string): string | undefined {
  return parseGitConfig(readIfExists(path.join(gitdir, 'config')))['logbook.replica'];
}

/** The checked-out branch and commit, read from HEAD without touching it. */
export function gitPosition(repo: Repo): { gitBranch?: string; gitCommit?: string } {
  try {
    let headDir = repo.gitdir;
    if (repo.workTree) {
      const dotgit = path.join(repo.workTree, '.git');
      if (statSync(dotgit).isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotgit, 'utf8'));
        if (m) headDir = path.resolve(repo.workTree, m[1]!.trim());
      }
    }
    const head = readFileSync(path.join(headDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return { gitCommit: head.slice(0, 12) };
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!ref) return {};
    const out: { gitBranch?: string; gitCommit?: string } = { gitBranch: ref.replace(/^refs\/heads\//, '') };
    let oid: string | undefined;
    try {
      oid = readFileSync(path.join(repo.gitdir, ref), 'utf8').trim();
    } catch {
      // not a loose ref (packed, or an unborn branch): packed-refs is read next
      const packed = readIfExists(path.join(repo.gitdir, 'packed-refs'));
      oid = packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.slice(0, 40);
    }
    if (oid && /^[0-9a-f]{40}$/.test(oid)) out.gitCommit = oid.slice(0, 12);
    return out;
  } catch {
    // the git position is informational: a session starts without it
    return {};
  }
}

/**
 * Edit `.git/config` the way git does: under `config.lock` (created
 * exclusively, so a concurrent `git config` waits or fails instead of one
 * write silently losing the other), written, fsynced and renamed over the
 * file. `edit` gets the current text and returns the new one.
 */
export function updateGitConfig(gitdir: string, edit: (text: string) => string): void {
  const file = path.join(gitdir, 'config');
  const lock = `${file}.lock`;
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(lock, 'wx', 0o644);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Only an existing lock file means someone holds the lock; EACCES, EROFS, ENOSPC… are no lock, and say so.
      if (code !== 'EEXIST') {
        throw new LogbookError('NOT_WRITABLE', `cannot write ${lock}: ${(e as Error).message}`, { hint: 'check the permissions and free space of the repository\'s .git directory', cause: e });
      }
      if (attempt >= 200) {
        throw new LogbookError('LOCKED', `cannot lock ${file}: ${(e as Error).message}`, { hint: `if no git process is running, remove ${lock}`, cause: e });
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // git holds it for milliseconds
    }
  }
  let renamed = false;
  try {
    writeSync(fd, edit(readIfExists(file)));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(lock, file);
    renamed = true;
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (!renamed) rmSync(lock, { force: true });
  }
}
