/**
 * The git binary for code ↔ session work: blame, patch ids, commit details.
 * isomorphic-git has no blame nor patch-id, so these need stock git; its
 * absence is a clear error, never a wrong answer.
 */
import { execFileSync } from 'node:child_process';
import { LogbookError } from '../errors.js';
import { gitBinary } from '../store/gitBinary.js';

export const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface GitRunner {
  /** Run git in `cwd`; returns stdout, throws a LogbookError when git is missing or fails. */
  (args: string[], options?: { input?: string; allowFail?: boolean }): string;
}

export function gitRunner(cwd: string, env: NodeJS.ProcessEnv): GitRunner {
  const binary = gitBinary(env);
  return (args, options = {}) => {
    if (!binary) throw missingGit();
    try {
      // Paths as they are (not octal-quoted) in name lists and blame.
      return execFileSync(binary, ['-c', 'core.quotePath=false', ...args], {
        cwd,
        input: options.input ?? '',
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string; stdout?: string; status?: number };
      if (err.code === 'ENOENT') throw missingGit();
      if (options.allowFail) return err.stdout ?? '';
      throw new LogbookError('INVALID_INPUT', `git ${args[0]} failed: ${(err.stderr ?? err.message).trim().split('\n')[0]}`, { hint: 'check the path and that this is the repository you meant' });
    }
  };
}

function missingGit(): LogbookError {
  return new LogbookError('GIT_NOT_FOUND', 'this needs the git binary, and none was found on PATH (or LOGBOOK_GIT_BINARY=none)', {
    hint: 'install git (or set LOGBOOK_GIT_BINARY to its path): blame and patch ids come from stock git',
  });
}

export interface CommitInfo {
  commit: string;
  subject: string;
  parents: string[];
  files: string[];
  patchId?: string;
}

/** Subject, parents, files changed (against the first parent) and patch id of each commit; commits git does not have are left out. */
export function commitInfos(git: GitRunner, commits: readonly string[]): Map<string, CommitInfo> {
  const out = new Map<string, CommitInfo>();
  if (!commits.length) return out;
  const wanted = [...new Set(commits)];
  const existing = git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: `${wanted.join('\n')}\n`, allowFail: true })
    .split('\n')
    .map((l) => l.split(' '))
    .filter((p) => p[1] === 'commit')
    .map((p) => p[0]!);
  if (!existing.length) return out;
  const log = git(['log', '--no-walk=unsorted', '--format=%H%x1f%P%x1f%s%x1e', ...existing]);
  for (const rec of log.split('\x1e')) {
    const [commit, parents, subject] = rec.replace(/^\n/, '').split('\x1f');
    if (commit && OID.test(commit)) out.set(commit, { commit, parents: parents ? parents.split(' ').filter(Boolean) : [], subject: subject ?? '', files: [] });
  }
  const input = `${existing.join('\n')}\n`;
  let current: CommitInfo | undefined;
  for (const line of git(['diff-tree', '--stdin', '-r', '--name-only', '--diff-merges=first-parent', '--root', '--no-renames'], { input }).split('\n')) {
    if (!line) continue;
    if (OID.test(line) && out.has(line)) current = out.get(line);
    else if (current && !current.files.includes(line)) current.files.push(line);
  }
  for (const [commit, id] of patchIds(git, [...out.values()].filter((c) => c.parents.length <= 1).map((c) => c.commit))) out.get(commit)!.patchId = id;
  return out;
}

/** `git patch-id --stable` of each non-merge commit: what survives a rebase or cherry-pick that kept the change. */
export function patchIds(git: GitRunner, commits: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!commits.length) return out;
  const diffs = git(['diff-tree', '--stdin', '-p', '--root', '--no-renames'], { input: `${commits.join('\n')}\n` });
  if (!diffs.trim()) return out;
  for (const line of git(['patch-id', '--stable'], { input: diffs }).split('\n')) {
    const [id, commit] = line.split(' ');
    if (id && commit) out.set(commit, id);
  }
  return out;
}
