import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { LogbookError } from '../../src/errors.js';
import { findRepo, readReplicaId } from '../../src/repo.js';
import { codexTrustSteps, installHooks, isSharedSettings, portableCommand, selfCommand, settingsPath, uninstallHooks, type HookClient, type SettingsChange } from '../../src/integrations/hooksInstall.js';
import { installGitHooks, uninstallGitHooks, type GitHooksChange } from '../../src/code/install.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';

/** This installation: the node binary running us and our bin script, both absolute. */
export function installation(): { node: string; bin: string } {
  const script = process.argv[1] ? path.resolve(process.argv[1]) : path.resolve('bin/logbook.cjs');
  let bin = script;
  try {
    bin = realpathSync(script);
  } catch {
    /* keep the path as given */
  }
  return { node: process.execPath, bin };
}

interface Opts {
  claude?: boolean;
  codex?: boolean;
  user?: boolean;
  local?: boolean;
  git?: boolean;
  json?: boolean;
}

/** A project install needs a journal: hooks in a repository without one would each fail quietly. */
function requireJournal(io: Io, opts: Opts): void {
  if (opts.user) return;
  let repo;
  try {
    repo = findRepo(io.cwd);
  } catch {
    throw new LogbookError('NOT_A_GIT_REPO', `${io.cwd} is not in a git repository, so the hooks would have no journal to write to`, {
      hint: 'run this in your project (after `git init` and `logbook init`), or pass --user for a user-wide install',
    });
  }
  if (!readReplicaId(repo.gitdir)) {
    throw new LogbookError('NOT_INITIALISED', `no Logbook journal in ${repo.workTree ?? repo.gitdir}: every hook would fail quietly`, {
      hint: 'run `logbook init` first, then `logbook hooks install` again',
    });
  }
}

function checkFlags(opts: Opts): void {
  const agentFlags = (['claude', 'codex', 'user', 'local'] as const).filter((f) => opts[f]);
  if (opts.git && agentFlags.length) {
    throw new LogbookError('INVALID_INPUT', `--git is the git hooks of this repository; ${agentFlags.map((f) => `--${f}`).join(' and ')} choose${agentFlags.length === 1 ? 's' : ''} an agent's hooks file`, {
      hint: `run them one at a time: logbook hooks install --git, then logbook hooks install ${agentFlags.map((f) => `--${f}`).join(' ')}`,
    });
  }
  if (opts.local && opts.user) throw new LogbookError('INVALID_INPUT', '--local and --user name different files', { hint: 'pass one: --local for .claude/settings.local.json, --user for ~/.claude/settings.json' });
  if (opts.local && opts.codex) throw new LogbookError('INVALID_INPUT', '--local is Claude Code\'s .claude/settings.local.json; Codex has no such file', { hint: 'drop --local for Codex (or --codex for Claude Code), or pass --user' });
}

function describeGit(change: GitHooksChange, verb: 'install' | 'uninstall'): string {
  const lines = change.hooks.map((h) => {
    const kept = h.userHook ? (verb === 'install' ? ` (your hook, kept in ${h.userHook}, still runs first)` : ' (your hook is back)') : '';
    return `  ${h.hook}: ${h.action}${kept}`;
  });
  const head = verb === 'install' ? `Git hooks in ${change.dir}${change.changed ? '' : ': already installed, nothing changed'}` : `Git hooks in ${change.dir}${change.changed ? '' : ': no Logbook hooks, nothing changed'}`;
  return `${head}\n${lines.join('\n')}\n`;
}

function locations(io: Io, opts: Opts) {
  const clients: HookClient[] = [];
  if (opts.claude || !opts.codex) clients.push('claude');
  if (opts.codex) clients.push('codex');
  const home = io.env.HOME || io.env.USERPROFILE || os.homedir();
  // Project files go to the repository root, so hooks work from any subdirectory.
  let root = io.cwd;
  if (!opts.user) {
    try {
      root = findRepo(io.cwd).workTree ?? io.cwd;
    } catch {
      /* not a repository: the current directory */
    }
  }
  return clients.map((client) => ({ client, user: Boolean(opts.user), local: Boolean(opts.local), root, home }));
}

function describe(change: SettingsChange, verb: 'install' | 'uninstall'): string {
  if (verb === 'install') {
    return change.changed
      ? `Installed Logbook hooks (${change.events.join(', ')}) in ${change.file}\n`
      : `Logbook hooks already installed in ${change.file}; nothing changed\n`;
  }
  return change.changed ? `Removed ${change.removed} Logbook hook(s) (${change.events.join(', ')}) from ${change.file}\n` : `No Logbook hooks in ${change.file}; nothing changed\n`;
}

export function hooksCommand(io: Io): Command {
  const cmd = new Command('hooks').description('install or remove the Claude Code / Codex hooks that keep the journal without anyone typing');
  const common = (c: Command) =>
    c
      .option('--claude', 'Claude Code: .claude/settings.json (the default client)')
      .option('--codex', 'Codex: .codex/hooks.json')
      .option('--user', 'the user-wide file in your home directory instead of this project\'s')
      .option('--local', 'Claude Code: .claude/settings.local.json, the project file people do not commit')
      .option('--git', 'the git post-commit and post-rewrite hooks that record commits on the current session')
      .option('--json', 'print what changed as JSON');
  cmd.addCommand(
    common(new Command('install').description('add the hooks (idempotent; keeps every other hook and setting); the project needs `logbook init` first')).action((opts: Opts) => {
      checkFlags(opts);
      requireJournal(io, opts);
      const { node, bin } = installation();
      if (opts.git) {
        const change = installGitHooks({ cwd: io.cwd, env: io.env, node, script: path.join(path.dirname(bin), '..', 'dist', 'githook.cjs') });
        if (opts.json) return printJson(io, change);
        io.stdout(`${describeGit(change, 'install')}Commits made while a session is open are recorded on it (commit.linked); nothing is added to your commits. Errors go to .git/logbook/hook-errors.log.\n`);
        return;
      }
      const absolute = selfCommand(node, bin);
      const changes: SettingsChange[] = [];
      let base = absolute;
      for (const loc of locations(io, opts)) {
        // A committed file gets `logbook` when that is this installation on PATH, not this machine's paths.
        const shared = isSharedSettings(loc);
        base = (shared && portableCommand(io.env.PATH, bin)) || absolute;
        changes.push(installHooks(loc, base));
        if (shared && base === absolute && !opts.json) {
          io.stderr(`logbook: note: ${settingsPath(loc)} now runs Logbook by this machine's paths (${absolute}); others who check it out need the same paths\nhint: ${loc.client === 'codex' ? 'use --user for ~/.codex/hooks.json (not committed)' : 'use --local for .claude/settings.local.json (not committed)'}, or put logbook on PATH (npm install -g) and install again to write plain \`logbook\`\n`);
        }
      }
      if (opts.json) return printJson(io, changes);
      for (const change of changes) {
        io.stdout(describe(change, 'install'));
        if (change.client === 'codex') {
          const loc = locations(io, opts).find((l) => l.client === 'codex')!;
          io.stdout(codexTrustSteps(settingsPath(loc), loc.root, loc.user));
        }
      }
      io.stdout(`Hooks run: ${base} hook <Event>. Errors never reach the agent; they go to .git/logbook/hook-errors.log.\n`);
    }),
  );
  cmd.addCommand(
    common(new Command('uninstall').description('remove only the Logbook hooks')).action((opts: Opts) => {
      checkFlags(opts);
      if (opts.git) {
        const change = uninstallGitHooks({ cwd: io.cwd, env: io.env });
        if (opts.json) return printJson(io, change);
        io.stdout(describeGit(change, 'uninstall'));
        return;
      }
      const changes = locations(io, opts).map((loc) => uninstallHooks(loc));
      if (opts.json) return printJson(io, changes);
      for (const change of changes) io.stdout(describe(change, 'uninstall'));
    }),
  );
  return cmd;
}
