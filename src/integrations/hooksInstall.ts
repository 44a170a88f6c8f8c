/**
 * `logbook hooks install / uninstall`: merge Logbook's command hooks into a
 * client's settings file, keeping everything else in it.
 *
 * Shape (both clients): {"hooks": {"<Event>": [{"matcher": "…", "hooks":
 * [{"type": "command", "command": "…", "timeout": N}]}]}}. Ours are recognised
 * by their command (`… logbook… hook <Event>`), so a reinstall from another
 * path replaces them, and uninstall removes only them. A file that is not JSON
 * (or not of that shape) is reported and never written.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import { LogbookError } from '../errors.js';

export type HookClient = 'claude' | 'codex';

interface EventSpec {
  event: string;
  /** seconds */
  timeout: number;
}

/** Claude Code: every hook Logbook handles. */
export const CLAUDE_HOOKS: readonly EventSpec[] = [
  { event: 'SessionStart', timeout: 15 },
  { event: 'UserPromptSubmit', timeout: 10 },
  { event: 'PostToolUse', timeout: 5 },
  { event: 'PostToolUseFailure', timeout: 5 },
  { event: 'PreCompact', timeout: 15 },
  { event: 'PostCompact', timeout: 15 },
  { event: 'SubagentStart', timeout: 10 },
  { event: 'SubagentStop', timeout: 10 },
  { event: 'Stop', timeout: 10 },
  { event: 'SessionEnd', timeout: 2 },
];

/** Codex (0.169): the events it fires; it caps SessionEnd at 3 s and has no PostToolUseFailure. */
export const CODEX_HOOKS: readonly EventSpec[] = [
  { event: 'SessionStart', timeout: 15 },
  { event: 'UserPromptSubmit', timeout: 10 },
  { event: 'PostToolUse', timeout: 5 },
  { event: 'PreCompact', timeout: 15 },
  { event: 'PostCompact', timeout: 15 },
  { event: 'SubagentStart', timeout: 10 },
  { event: 'SubagentStop', timeout: 10 },
  { event: 'Stop', timeout: 10 },
  { event: 'SessionEnd', timeout: 3 },
];

const AGENT: Record<HookClient, string> = { claude: 'claude-code', codex: 'codex' };

/** A command hook is ours when it runs `logbook hook <Event>` (any path to logbook, quoted or not). */
const OURS = /logbook(?:\.c?[jt]s)?["']?\s+hook\s+[A-Za-z]+/;

export function isOurCommand(command: unknown): boolean {
  return typeof command === 'string' && OURS.test(command);
}

/** Double-quote a path for the shell the clients run hook commands with (sh, and cmd on Windows, both take double quotes). */
export function shellQuote(value: string): string {
  return `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

/**
 * How to run this installation from anywhere: the absolute node binary and the
 * absolute bin script, so the agent's environment needs no PATH entry.
 */
export function selfCommand(nodePath: string, binPath: string): string {
  return `${shellQuote(nodePath)} ${shellQuote(binPath)}`;
}

export function hookCommand(base: string, event: string, client: HookClient): string {
  return `${base} hook ${event} --agent ${AGENT[client]}`;
}

export interface SettingsLocation {
  client: HookClient;
  user: boolean;
  /** Claude Code's `.claude/settings.local.json` (the project file people do not commit). */
  local?: boolean;
  /** the project root (for project-level files) */
  root: string;
  home: string;
}

export function settingsPath(loc: SettingsLocation): string {
  const base = loc.user ? loc.home : loc.root;
  if (loc.client === 'codex') return path.join(base, '.codex', 'hooks.json');
  return path.join(base, '.claude', loc.local && !loc.user ? 'settings.local.json' : 'settings.json');
}

/** A settings file that is meant to be committed: the project's, not the user's nor Claude Code's local one. */
export function isSharedSettings(loc: SettingsLocation): boolean {
  return !loc.user && !loc.local;
}

/**
 * `logbook` when the first `logbook` on `PATH` is this very installation: a
 * command that works on every machine that has Logbook installed, for a
 * settings file that gets committed. Undefined otherwise (then the absolute
 * paths of this machine are the only command known to work).
 */
export function portableCommand(pathVar: string | undefined, binPath: string): string | undefined {
  let self: string;
  try {
    self = realpathSync(binPath);
  } catch {
    return undefined;
  }
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'logbook');
    try {
      if (realpathSync(candidate) === self) return 'logbook';
      if (existsSync(candidate)) return undefined; // another logbook comes first on PATH
    } catch {
      /* not there */
    }
  }
  return undefined;
}

type Json = Record<string, unknown>;

function readSettings(file: string): { data: Json; text: string | undefined } {
  if (!existsSync(file)) return { data: {}, text: undefined };
  const text = readFileSync(file, 'utf8');
  if (!text.trim()) return { data: {}, text };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LogbookError('SETTINGS_INVALID', `${file} is not valid JSON (${(e as Error).message}); it was left untouched`, {
      hint: 'fix the file (or move it aside) and run the command again',
    });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new LogbookError('SETTINGS_INVALID', `${file} holds ${Array.isArray(data) ? 'an array' : typeof data}, expected a JSON object; it was left untouched`, {
      hint: 'fix the file (or move it aside) and run the command again',
    });
  }
  const hooks = (data as Json).hooks;
  if (hooks !== undefined && (!hooks || typeof hooks !== 'object' || Array.isArray(hooks))) {
    throw new LogbookError('SETTINGS_INVALID', `"hooks" in ${file} is not an object; it was left untouched`, { hint: 'expected {"hooks": {"<Event>": [ … ]}}' });
  }
  for (const [event, groups] of Object.entries((hooks ?? {}) as Json)) {
    if (!Array.isArray(groups)) {
      throw new LogbookError('SETTINGS_INVALID', `"hooks.${event}" in ${file} is not an array; it was left untouched`, { hint: 'expected [{"matcher": "…", "hooks": [ … ]}]' });
    }
  }
  return { data: data as Json, text };
}

/** Groups of one event with our handlers taken out; groups left empty by that are dropped. */
function withoutOurs(groups: unknown[]): { groups: unknown[]; removed: number } {
  let removed = 0;
  const out: unknown[] = [];
  for (const g of groups) {
    if (!g || typeof g !== 'object' || !Array.isArray((g as Json).hooks)) {
      out.push(g);
      continue;
    }
    const handlers = (g as Json).hooks as unknown[];
    const kept = handlers.filter((h) => !(h && typeof h === 'object' && isOurCommand((h as Json).command)));
    removed += handlers.length - kept.length;
    if (kept.length === handlers.length) out.push(g);
    else if (kept.length) out.push({ ...(g as Json), hooks: kept });
  }
  return { groups: out, removed };
}

export interface SettingsChange {
  file: string;
  client: HookClient;
  /** false when the file already said exactly this */
  changed: boolean;
  events: string[];
  removed: number;
}

function write(file: string, data: Json): void {
  writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, { mkdir: true });
}

/** Add (or refresh) our hooks in the client's settings file. Idempotent. */
export function installHooks(loc: SettingsLocation, base: string): SettingsChange {
  const file = settingsPath(loc);
  const { data, text } = readSettings(file);
  if (loc.client === 'codex') {
    const extra = Object.keys(data).filter((k) => k !== 'hooks');
    if (extra.length) {
      throw new LogbookError('SETTINGS_INVALID', `${file} has top-level keys other than "hooks" (${extra.join(', ')}), so Codex ignores the whole file; it was left untouched`, {
        hint: `move ${extra.join(', ')} out of ${path.basename(file)} (settings belong in .codex/config.toml), then run the command again`,
      });
    }
  }
  const specs = loc.client === 'claude' ? CLAUDE_HOOKS : CODEX_HOOKS;
  const hooks = { ...((data.hooks ?? {}) as Record<string, unknown[]>) };
  let removed = 0;
  for (const spec of specs) {
    const current = withoutOurs(hooks[spec.event] ?? []);
    removed += current.removed;
    hooks[spec.event] = [...current.groups, { matcher: '*', hooks: [{ type: 'command', command: hookCommand(base, spec.event, loc.client), timeout: spec.timeout }] }];
  }
  const next = { ...data, hooks };
  const changed = text === undefined || JSON.stringify(next, null, 2) + '\n' !== text;
  if (changed) write(file, next);
  return { file, client: loc.client, changed, events: specs.map((s) => s.event), removed };
}

/** Remove our hooks (only ours) from the client's settings file. */
export function uninstallHooks(loc: SettingsLocation): SettingsChange {
  const file = settingsPath(loc);
  if (!existsSync(file)) return { file, client: loc.client, changed: false, events: [], removed: 0 };
  const { data } = readSettings(file);
  if (data.hooks === undefined) return { file, client: loc.client, changed: false, events: [], removed: 0 };
  const hooks: Record<string, unknown[]> = {};
  const events: string[] = [];
  let removed = 0;
  for (const [event, groups] of Object.entries(data.hooks as Record<string, unknown[]>)) {
    const r = withoutOurs(groups);
    removed += r.removed;
    if (r.removed) events.push(event);
    if (r.groups.length || !r.removed) hooks[event] = r.groups;
  }
  if (!removed) return { file, client: loc.client, changed: false, events: [], removed: 0 };
  const next: Json = { ...data, hooks };
  if (!Object.keys(hooks).length) delete next.hooks;
  write(file, next);
  return { file, client: loc.client, changed: true, events, removed };
}

/** What a user must do before Codex runs the hooks (0.169: trusted project, then a trusted hash per hook). */
export function codexTrustSteps(file: string, root: string, user: boolean): string {
  const lines = [
    'Codex runs these hooks only once you trust them:',
    ...(user
      ? []
      : [
          `  1. Trust the project: start \`codex\` in ${root} and accept the trust prompt, or add to ~/.codex/config.toml:`,
          `       [projects.${JSON.stringify(root)}]`,
          '       trust_level = "trusted"',
          '     (Codex loads a repository\'s .codex/hooks.json only for a trusted project.)',
        ]),
    `  ${user ? '1' : '2'}. Trust each hook: in Codex, open /hooks, review the Logbook hooks from ${file} and trust them.`,
    '     Codex keeps a trusted hash per hook (under [hooks.state] in ~/.codex/config.toml); after a reinstall that',
    '     changed a command, trust the hooks again.',
    `  ${user ? '2' : '3'}. Hooks must be enabled (the default; [features] hooks = true in ~/.codex/config.toml).`,
    'For a one-off non-interactive run that skips the trust check: codex exec --dangerously-bypass-hook-trust "…"',
  ];
  return `${lines.join('\n')}\n`;
}
