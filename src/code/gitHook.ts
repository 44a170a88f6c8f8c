/**
 * What the git hooks run (`post-commit`, `post-rewrite`, `post-merge`, installed by
 * hooksInstall.ts): note the commit in the spool and start a detached drain,
 * nothing else, so the user's `git commit` waits for little more than node's
 * own start-up. It never fails the git command: every problem is logged to
 * `.git/logbook/hook-errors.log` and the exit status stays 0.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { findRepo, readReplicaId } from '../repo.js';
import { logHookError } from '../integrations/hookCommon.js';
import { appendSpool, SPOOL_ENV, type SpoolLine } from './spool.js';

export interface GitHookOptions {
  /** `post-commit` or `post-rewrite`, then git's arguments */
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** post-rewrite's stdin: `old new [extra]` lines */
  readStdin: () => Promise<string>;
  /** Start the drain (a detached `logbook git-hook drain`); tests and the benchmark may replace it. */
  startDrain?: (workdir: string) => void | Promise<void>;
  now?: () => Date;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The git directory of this work tree (a linked worktree has its own, holding HEAD and the rebase state). */
function headDir(workTree: string | undefined, gitdir: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.GIT_DIR) return path.resolve(cwd, env.GIT_DIR);
  if (!workTree) return gitdir;
  const dotgit = path.join(workTree, '.git');
  if (statSync(dotgit).isFile()) {
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotgit, 'utf8'));
    if (m) return path.resolve(workTree, m[1]!.trim());
  }
  return dotgit;
}

const read = (p: string) => {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    // absent: the caller falls back (a file git may or may not have written)
    return undefined;
  }
};

function resolveRef(gitdir: string, ref: string): string | undefined {
  const loose = read(path.join(gitdir, ref));
  if (loose && OID.test(loose)) return loose;
  const packed = read(path.join(gitdir, 'packed-refs')) ?? '';
  return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
}

/** HEAD's commit and branch; during a rebase, the branch being rebased. */
function head(wtGitdir: string, gitdir: string): { commit?: string; branch?: string; rebasing: boolean } {
  const text = read(path.join(wtGitdir, 'HEAD')) ?? '';
  const rebaseDir = ['rebase-merge', 'rebase-apply'].map((d) => path.join(wtGitdir, d)).find((d) => existsSync(d));
  const rebasing = Boolean(rebaseDir);
  if (OID.test(text)) {
    const headName = rebaseDir ? read(path.join(rebaseDir, 'head-name')) : undefined;
    return { commit: text, rebasing, ...(headName?.startsWith('refs/heads/') ? { branch: headName.slice(11) } : {}) };
  }
  const ref = /^ref:\s*(\S+)$/.exec(text)?.[1];
  if (!ref) return { rebasing };
  const commit = resolveRef(wtGitdir, ref) ?? resolveRef(gitdir, ref);
  return { rebasing, ...(commit ? { commit } : {}), branch: ref.replace(/^refs\/heads\//, '') };
}

/** The message of HEAD's newest reflog entry (`commit (amend): …`), read from the file's tail only. */
function lastReflog(wtGitdir: string): string {
  try {
    const fd = openSync(path.join(wtGitdir, 'logs', 'HEAD'), 'r');
    try {
      const size = statSync(path.join(wtGitdir, 'logs', 'HEAD')).size;
      const len = Math.min(size, 4096);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      const last = buf.toString('utf8').trimEnd().split('\n').pop() ?? '';
      return last.slice(last.indexOf('\t') + 1);
    } finally {
      closeSync(fd);
    }
  } catch {
    // no reflog (core.logAllRefUpdates off, a new repository): the commit is recorded as a plain one
    return '';
  }
}

/** Start a detached `logbook git-hook drain` (child_process is loaded only here: most hooks have the shell start it). */
export async function defaultDrain(workdir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { spawn } = await import('node:child_process');
  const bin = path.join(__dirname, '..', 'bin', 'logbook.cjs');
  // git's own variables (GIT_DIR, GIT_INDEX_FILE…) belong to the hook, not to a process that outlives it.
  const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !/^GIT_(DIR|INDEX_FILE|WORK_TREE|PREFIX|OBJECT_DIRECTORY|QUARANTINE_PATH)$/.test(k)));
  const child = spawn(process.execPath, [bin, 'git-hook', 'drain'], { cwd: workdir, detached: true, stdio: 'ignore', env: childEnv });
  child.unref();
}

/** Run one git hook. Resolves when the spool line is written; never rejects. */
export async function runGitHook(options: GitHookOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  const hook = options.args[0];
  let gitdir: string;
  let workTree: string | undefined;
  try {
    const repo = options.env.GIT_DIR ? { gitdir: commonDir(path.resolve(options.cwd, options.env.GIT_DIR)), workTree: options.cwd } : findRepo(options.cwd);
    gitdir = repo.gitdir;
    workTree = repo.workTree;
  } catch {
    return; // not a repository: nowhere to write, not even the error log
  }
  try {
    if (!readReplicaId(gitdir)) return; // no journal here: nothing to record
    if (options.env.LOGBOOK_GIT_HOOKS === 'off') return;
    const wt = headDir(workTree, gitdir, options.env, options.cwd);
    const env: SpoolLine['env'] = {};
    for (const k of SPOOL_ENV) if (options.env[k]?.trim()) env[k] = options.env[k]!.trim();
    const h = head(wt, gitdir);
    let line: SpoolLine;
    if (hook === 'post-commit') {
      if (!h.commit) return;
      const picked = h.rebasing ? undefined : read(path.join(wt, 'CHERRY_PICK_HEAD'));
      // An amend's post-rewrite follows, as a rebase's does: wait for it rather than guess from the patch.
      const waits = h.rebasing || lastReflog(wt).startsWith('commit (amend)');
      line = { t: now().toISOString(), hook, commit: h.commit, env, ...(h.branch ? { branch: h.branch } : {}), ...(waits ? { waits: true } : {}), ...(picked && OID.test(picked) ? { picked } : {}) };
    } else if (hook === 'post-merge') {
      // `git merge` runs post-merge, not post-commit. A squash merge (argument 1) committed nothing yet; a
      // fast-forward made no commit: the drain keeps HEAD only when it is a merge whose first parent is ORIG_HEAD.
      const orig = read(path.join(wt, 'ORIG_HEAD'));
      if (options.args[1] === '1' || !h.commit || !orig || !OID.test(orig) || orig === h.commit) return;
      line = { t: now().toISOString(), hook: 'post-commit', commit: h.commit, env, mergedInto: orig, ...(h.branch ? { branch: h.branch } : {}) };
    } else if (hook === 'post-rewrite') {
      const why = options.args[1] === 'amend' ? 'amend' : 'rebase';
      const pairs = (await options.readStdin())
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((p): p is [string, string] => p.length >= 2 && OID.test(p[0]!) && OID.test(p[1]!))
        .map(([a, b]) => [a, b] as [string, string]);
      if (!pairs.length) return;
      line = { t: now().toISOString(), hook, why, pairs, env, ...(h.branch ? { branch: h.branch } : {}) };
    } else return;
    appendSpool(gitdir, line);
    // Inside a rebase (or an amend) the commit waits for the post-rewrite that follows, which drains them all at once.
    if (!line.waits) await (options.startDrain ?? ((w) => defaultDrain(w, options.env)))(workTree ?? gitdir);
  } catch (e) {
    logHookError(gitdir, `git ${hook ?? '?'}`, e, now());
  }
}

function commonDir(gitdir: string): string {
  const common = read(path.join(gitdir, 'commondir'));
  return common ? path.resolve(gitdir, common) : gitdir;
}
