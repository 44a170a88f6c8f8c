/**
 * `logbook hooks install --git` / `uninstall --git`: the `post-commit`,
 * `post-rewrite` and `post-merge` (a merge commit `git merge` makes runs no
 * post-commit) hooks in the directory git really uses (`git rev-parse
 * --git-path hooks`: core.hooksPath honoured, linked worktrees share the main
 * one). A hook already there is moved aside, byte for byte with its mode, to
 * `.git/logbook/user-hooks/`, and the Logbook hook runs it first, passing on its
 * arguments, stdin, output and exit status. Uninstall moves it back.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LogbookError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic.js';
import { gitRunner } from './git.js';

export const GIT_HOOKS = ['post-commit', 'post-rewrite', 'post-merge'] as const;
export type GitHookName = (typeof GIT_HOOKS)[number];

/** First lines of every hook Logbook writes: how uninstall knows a hook is ours. */
const MARKER = '# logbook-git-hook: installed by `logbook hooks install --git`';

export interface GitHooksChange {
  dir: string;
  hooks: Array<{ hook: GitHookName; file: string; action: 'installed' | 'updated' | 'unchanged' | 'removed' | 'absent' | 'not-ours'; userHook?: string }>;
  changed: boolean;
}

interface Where {
  hooksDir: string;
  savedDir: string;
  /** Is this file committed in the repository (a `core.hooksPath` folder in the work tree)? */
  tracked: (file: string) => boolean;
}

function where(cwd: string, env: NodeJS.ProcessEnv): Where {
  const git = gitRunner(cwd, env);
  const hooks = git(['rev-parse', '--git-path', 'hooks']).trim();
  const common = git(['rev-parse', '--git-common-dir']).trim();
  const hooksDir = path.resolve(cwd, hooks);
  // One folder per hooks directory: two worktrees with different core.hooksPath keep their users' hooks apart.
  const savedDir = path.join(path.resolve(cwd, common), 'logbook', 'user-hooks', createHash('sha1').update(hooksDir).digest('hex').slice(0, 10));
  const tracked = (file: string) => {
    try {
      git(['ls-files', '--error-unmatch', '--', file]);
      return true;
    } catch {
      return false; // outside the work tree, untracked, or a bare repository
    }
  };
  return { hooksDir, savedDir, tracked };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The hook script: the user's hook first (its output and status are the hook's), then Logbook's, which never fails. */
export function hookScript(hook: GitHookName, command: { node: string; script: string }, userHook: string): string {
  const ours = `LOGBOOK_DRAIN_BY=sh ${q(command.node)} ${q(command.script)} ${hook} "$@"`;
  // Exit status 75: start the drain. The shell starts it (a fork), so the hook's node never loads child_process
  // (~20 ms of the user's every commit); git's own variables belong to the hook, not to a process that outlives it.
  const bin = path.join(path.dirname(command.script), '..', 'bin', 'logbook.cjs');
  const drain = `[ $? -eq 75 ] && (unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_PREFIX GIT_OBJECT_DIRECTORY GIT_QUARANTINE_PATH; nohup ${q(command.node)} ${q(bin)} git-hook drain </dev/null >/dev/null 2>&1 &)`;
  const lines = ['#!/bin/sh', MARKER, '# `logbook hooks uninstall --git` restores the hook that was here (kept in .git/logbook/user-hooks/).', `user_hook=${q(userHook)}`, 'status=0'];
  if (hook === 'post-rewrite') {
    // Both hooks read the old → new list on stdin: keep it for each.
    lines.push(
      'input=$(cat)',
      'if [ -x "$user_hook" ]; then printf \'%s\\n\' "$input" | "$user_hook" "$@"; status=$?; fi',
      `printf '%s\\n' "$input" | ${ours} >/dev/null 2>&1; ${drain}`,
    );
  } else {
    lines.push('if [ -x "$user_hook" ]; then "$user_hook" "$@"; status=$?; fi', `${ours} </dev/null >/dev/null 2>&1; ${drain}`);
  }
  lines.push('exit $status', '');
  return lines.join('\n');
}

const isOurs = (file: string) => {
  try {
    return readFileSync(file, 'utf8').includes(MARKER);
  } catch {
    // absent or unreadable: not ours, so it is never overwritten or removed
    return false;
  }
};

function move(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch {
    // across file systems rename cannot work (EXDEV): copy, keep the mode, remove; a real failure throws from these
    copyFileSync(from, to);
    chmodSync(to, statSync(from).mode & 0o7777);
    rmSync(from);
  }
}

export function installGitHooks(options: { cwd: string; env: NodeJS.ProcessEnv; node: string; script: string }): GitHooksChange {
  const { hooksDir, savedDir, tracked } = where(options.cwd, options.env);
  const change: GitHooksChange = { dir: hooksDir, hooks: [], changed: false };
  // Check everything before moving anything: nothing half-installed.
  for (const hook of GIT_HOOKS) {
    const file = path.join(hooksDir, hook);
    if (existsSync(file) && !isOurs(file) && tracked(file)) {
      // Moving it aside would change a committed file, and the hook written in its place names this machine's paths.
      throw new LogbookError('INVALID_INPUT', `${file} is committed in this repository (core.hooksPath points into the work tree): Logbook will not replace it`, {
        hint: 'the hook Logbook writes names this machine\'s paths, so it belongs in a hooks folder of this clone only: point core.hooksPath at one outside the work tree (or unset it), then install again',
      });
    }
    if (existsSync(file) && !isOurs(file) && existsSync(path.join(savedDir, hook))) {
      throw new LogbookError('INVALID_INPUT', `${file} is not Logbook's, and a hook Logbook kept aside earlier is still in ${savedDir}`, {
        hint: `decide which one to keep: move one of them away, then run \`logbook hooks install --git\` again`,
      });
    }
  }
  mkdirSync(hooksDir, { recursive: true });
  for (const hook of GIT_HOOKS) {
    const file = path.join(hooksDir, hook);
    const saved = path.join(savedDir, hook);
    const script = hookScript(hook, options, saved);
    let action: GitHooksChange['hooks'][number]['action'] = 'installed';
    if (existsSync(file)) {
      if (isOurs(file)) action = readFileSync(file, 'utf8') === script ? 'unchanged' : 'updated';
      else move(file, saved);
    }
    if (action !== 'unchanged') {
      writeFileAtomic(file, script, { mode: 0o755 });
      chmodSync(file, 0o755); // whatever the umask took off
      change.changed = true;
    }
    change.hooks.push({ hook, file, action, ...(existsSync(saved) ? { userHook: saved } : {}) });
  }
  return change;
}

export function uninstallGitHooks(options: { cwd: string; env: NodeJS.ProcessEnv }): GitHooksChange {
  const { hooksDir, savedDir } = where(options.cwd, options.env);
  const change: GitHooksChange = { dir: hooksDir, hooks: [], changed: false };
  for (const hook of GIT_HOOKS) {
    const file = path.join(hooksDir, hook);
    const saved = path.join(savedDir, hook);
    if (!existsSync(file)) {
      change.hooks.push({ hook, file, action: 'absent' });
      continue;
    }
    if (!isOurs(file)) {
      change.hooks.push({ hook, file, action: 'not-ours' });
      continue;
    }
    rmSync(file);
    if (existsSync(saved)) move(saved, file);
    change.changed = true;
    change.hooks.push({ hook, file, action: 'removed', ...(existsSync(file) ? { userHook: file } : {}) });
  }
  return change;
}
