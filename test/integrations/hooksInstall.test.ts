/** `logbook hooks install / uninstall` against settings files that already hold the user's own hooks and keys. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ok, run } from '../helpers/cli.js';
import { expectNoHookErrors } from '../helpers/hookErrors.js';
import { makeRepo, tempDir } from '../helpers/repo.js';

const userSettings = {
  $schema: 'https://json.schemastore.org/claude-code-settings.json',
  permissions: { allow: ['Bash(npm test:*)'], deny: [] },
  env: { FOO: 'bar' },
  hooks: {
    PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write "$CLAUDE_FILE_PATHS"' }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'say done', timeout: 5 }] }],
    Notification: [{ matcher: '', hooks: [{ type: 'command', command: 'notify-send claude' }] }],
  },
};

type Settings = { hooks: Record<string, Array<{ matcher?: string; hooks: Array<{ type: string; command: string; timeout?: number }> }>> } & Record<string, unknown>;

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Settings;
const ours = (s: Settings, event: string) => (s.hooks[event] ?? []).flatMap((g) => g.hooks).filter((h) => / hook \w+ --agent /.test(h.command));

/** A repository with a journal (`hooks install` refuses one without). */
function initRepo(): string {
  const dir = makeRepo();
  ok(dir, ['init']);
  return dir;
}

function projectWithSettings(content?: string): { dir: string; file: string } {
  const dir = initRepo();
  const file = path.join(dir, '.claude', 'settings.json');
  if (content !== undefined) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { dir, file };
}

describe('hooks install --claude', () => {
  it('adds every hook, keeps the user\'s keys and hooks, twice is once, uninstall leaves only the user\'s', () => {
    const { dir, file } = projectWithSettings(`${JSON.stringify(userSettings, null, 2)}\n`);
    const out = ok(dir, ['hooks', 'install']);
    expect(out).toContain(`Installed Logbook hooks`);
    const s = read(file);
    expect(s.permissions).toEqual(userSettings.permissions);
    expect(s.env).toEqual(userSettings.env);
    expect(s.$schema).toBe(userSettings.$schema);
    expect(s.hooks.Notification).toEqual(userSettings.hooks.Notification);
    expect(s.hooks.PostToolUse![0]).toEqual(userSettings.hooks.PostToolUse[0]);
    expect(s.hooks.Stop![0]).toEqual(userSettings.hooks.Stop[0]);
    for (const event of ['SessionStart', 'UserPromptSubmit', 'PostToolUse', 'PostToolUseFailure', 'PreCompact', 'PostCompact', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd']) {
      const [h, ...more] = ours(s, event);
      expect(more).toHaveLength(0);
      expect(h!.type).toBe('command');
      expect(h!.timeout).toBeGreaterThan(0);
      // Absolute node and bin paths: works from the agent's environment, no PATH needed.
      expect(h!.command).toBe(`"${process.execPath}" "${BIN}" hook ${event} --agent claude-code`);
    }
    expect(s.hooks.SessionEnd!.at(-1)!.hooks[0]!.timeout).toBeLessThanOrEqual(2);

    const before = readFileSync(file, 'utf8');
    expect(ok(dir, ['hooks', 'install', '--claude'])).toContain('already installed');
    expect(readFileSync(file, 'utf8')).toBe(before);

    expect(ok(dir, ['hooks', 'uninstall'])).toContain('Removed 10 Logbook hook(s)');
    expect(read(file)).toEqual(userSettings);
    expect(ok(dir, ['hooks', 'uninstall'])).toContain('nothing changed');
  });

  it('replaces hooks installed from another path instead of adding a second set', () => {
    const stale = { hooks: { Stop: [{ matcher: '*', hooks: [{ type: 'command', command: '/old/node /old/logbook/bin/logbook.cjs hook Stop --agent claude-code', timeout: 10 }] }] } };
    const { dir, file } = projectWithSettings(JSON.stringify(stale));
    ok(dir, ['hooks', 'install']);
    const stops = ours(read(file), 'Stop');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.command).toContain(BIN);
  });

  it('reports a settings file that is not JSON and leaves it untouched', () => {
    const broken = '{ "hooks": { "Stop": [ }\n';
    const { dir, file } = projectWithSettings(broken);
    for (const args of [['hooks', 'install'], ['hooks', 'uninstall']]) {
      const r = run(dir, args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file} is not valid JSON`);
      expect(r.stderr).toContain('left untouched');
      expect(r.stderr).toMatch(/hint: /);
      expect(readFileSync(file, 'utf8')).toBe(broken);
    }
    const wrongShape = '{"hooks": []}';
    writeFileSync(file, wrongShape);
    expect(run(dir, ['hooks', 'install']).code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(wrongShape);
  });

  it('installs at the repository root from a subdirectory, and the installed command runs with an empty PATH', () => {
    const dir = initRepo();
    const sub = path.join(dir, 'packages', 'app');
    mkdirSync(sub, { recursive: true });
    ok(sub, ['hooks', 'install']);
    const file = path.join(dir, '.claude', 'settings.json');
    const command = ours(read(file), 'SessionStart')[0]!.command;
    const r = spawnSync('/bin/sh', ['-c', command], {
      cwd: sub,
      input: JSON.stringify({ session_id: 'sh-1', transcript_path: null, cwd: sub, hook_event_name: 'SessionStart', source: 'startup' }),
      encoding: 'utf8',
      env: { PATH: '/nonexistent', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
    });
    expect(r.status).toBe(0);
    expectNoHookErrors(dir);
    expect(JSON.parse(r.stdout).hookSpecificOutput.additionalContext).toContain('Logbook: this claude-code conversation writes to session');
  });

  it('--user writes ~/.claude/settings.json', () => {
    const dir = makeRepo();
    const home = tempDir();
    ok(dir, ['hooks', 'install', '--user'], { env: { HOME: home } });
    expect(ours(read(path.join(home, '.claude', 'settings.json')), 'SessionStart')).toHaveLength(1);
    expect(existsSync(path.join(dir, '.claude'))).toBe(false);
  });
});

describe('hooks install --codex', () => {
  it('writes .codex/hooks.json with only a "hooks" key and says how to trust the hooks', () => {
    const dir = initRepo();
    const out = ok(dir, ['hooks', 'install', '--codex']);
    const file = path.join(dir, '.codex', 'hooks.json');
    const s = read(file);
    expect(Object.keys(s)).toEqual(['hooks']);
    expect(Object.keys(s.hooks).sort()).toEqual(['PostCompact', 'PostToolUse', 'PreCompact', 'SessionEnd', 'SessionStart', 'Stop', 'SubagentStart', 'SubagentStop', 'UserPromptSubmit']);
    expect(ours(s, 'SessionStart')[0]!.command).toContain('hook SessionStart --agent codex');
    expect(s.hooks.SessionEnd![0]!.hooks[0]!.timeout).toBeLessThanOrEqual(3);
    expect(out).toContain('trust_level = "trusted"');
    expect(out).toContain('/hooks');
    expect(out).toContain('codex exec --dangerously-bypass-hook-trust');
    expect(existsSync(path.join(dir, '.claude'))).toBe(false);
    // Both at once.
    ok(dir, ['hooks', 'install', '--claude', '--codex']);
    expect(existsSync(path.join(dir, '.claude', 'settings.json'))).toBe(true);
  });

  it('refuses a hooks.json with other top-level keys (Codex would ignore it) and leaves it untouched', () => {
    const dir = initRepo();
    const file = path.join(dir, '.codex', 'hooks.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const text = JSON.stringify({ version: 1, hooks: {} });
    writeFileSync(file, text);
    const r = run(dir, ['hooks', 'install', '--codex']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('other than "hooks" (version)');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('hooks install: where it writes, and what', () => {
  it('refuses a repository without a journal (every hook would fail quietly), and a directory outside git', () => {
    const dir = makeRepo();
    const r = run(dir, ['hooks', 'install']);
    expect(r.code).toBe(1);
    expect(r.stderr.replace(dir, 'REPO')).toMatchInlineSnapshot(`
      "logbook: no Logbook journal in REPO: every hook would fail quietly
      hint: run \`logbook init\` first, then \`logbook hooks install\` again
      "
    `);
    expect(existsSync(path.join(dir, '.claude'))).toBe(false);
    const outside = tempDir();
    const r2 = run(outside, ['hooks', 'install', '--local']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('is not in a git repository');
    expect(existsSync(path.join(outside, '.claude'))).toBe(false);
    // --user is for every repository: no journal needed here.
    const home = tempDir();
    expect(run(dir, ['hooks', 'install', '--user'], { env: { HOME: home } }).code).toBe(0);
  });

  it('--local writes .claude/settings.local.json and leaves settings.json alone; uninstall --local removes them', () => {
    const { dir, file } = projectWithSettings(`${JSON.stringify(userSettings, null, 2)}\n`);
    const before = readFileSync(file, 'utf8');
    const out = ok(dir, ['hooks', 'install', '--local']);
    const local = path.join(dir, '.claude', 'settings.local.json');
    expect(out).toContain(`Installed Logbook hooks`);
    expect(out).toContain(local);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(ours(read(local), 'SessionStart')[0]!.command).toBe(`"${process.execPath}" "${BIN}" hook SessionStart --agent claude-code`);
    expect(ok(dir, ['hooks', 'uninstall', '--local'])).toContain('Removed 10 Logbook hook(s)');
    expect(read(local)).toEqual({});
    expect(run(dir, ['hooks', 'install', '--local', '--user']).stderr).toContain('--local and --user name different files');
    expect(run(dir, ['hooks', 'install', '--local', '--codex']).code).toBe(1);
  });

  it('--git with a flag that picks an agent\'s hooks file is refused (it did nothing with it), writing nothing', () => {
    const dir = initRepo();
    for (const flag of ['--local', '--codex', '--user', '--claude']) {
      for (const verb of ['install', 'uninstall']) {
        const r = run(dir, ['hooks', verb, '--git', flag]);
        expect([flag, verb, r.code]).toEqual([flag, verb, 1]);
        expect(r.stderr).toContain(`logbook: --git is the git hooks of this repository; ${flag} chooses an agent's hooks file`);
      }
    }
    expect(existsSync(path.join(dir, '.claude'))).toBe(false);
    expect(existsSync(path.join(dir, '.git', 'hooks', 'post-commit'))).toBe(false);
  });

  it('the committed settings.json gets plain `logbook` when that is this installation on PATH, else this machine\'s paths with a note', () => {
    const dir = initRepo();
    const binDir = tempDir('logbook-path-');
    symlinkSync(BIN, path.join(binDir, 'logbook'));
    const PATH = [binDir, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter);
    const r = run(dir, ['hooks', 'install'], { env: { PATH } });
    expect(r.stderr).toBe('');
    const file = path.join(dir, '.claude', 'settings.json');
    const command = ours(read(file), 'SessionStart')[0]!.command;
    expect(command).toBe('logbook hook SessionStart --agent claude-code');
    const hook = spawnSync('/bin/sh', ['-c', command], {
      cwd: dir,
      input: JSON.stringify({ session_id: 'path-1', transcript_path: null, cwd: dir, hook_event_name: 'SessionStart', source: 'startup' }),
      encoding: 'utf8',
      env: { PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
    });
    expect(JSON.parse(hook.stdout).hookSpecificOutput.additionalContext).toContain('Logbook: this claude-code conversation writes to session');
    // Without logbook on PATH: absolute paths, and a note that says what that means.
    const other = initRepo();
    const r2 = run(other, ['hooks', 'install'], { env: { PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter) } });
    expect(r2.code).toBe(0);
    expect(r2.stderr).toContain("now runs Logbook by this machine's paths");
    expect(r2.stderr).toContain('hint: use --local');
    // Codex has no --local: its hint names the file that is not committed.
    const r3 = run(other, ['hooks', 'install', '--codex'], { env: { PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter) } });
    expect(r3.code).toBe(0);
    expect(r3.stderr).toContain('hint: use --user for ~/.codex/hooks.json');
    expect(r3.stderr).not.toContain('--local');
  });
});
