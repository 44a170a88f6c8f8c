/**
 * Every command that offers `--json` prints JSON (SPEC 5, STYLE 11): the
 * command tree is walked from the commander program itself, so a command added
 * later without an entry here fails this test, and each one is run through the
 * built CLI on a real repository holding sessions, items, messages and a remote.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.js';
import { ok, run } from '../helpers/cli.js';
import { git, makeBareRepo, makeRepo, tempDir } from '../helpers/repo.js';

const quietIo = { cwd: '/', env: {}, stdout: () => {}, stderr: () => {}, readStdin: async () => '' };

interface Walked {
  path: string;
  flags: Array<{ flags: string; description: string }>;
}

async function commandTree(): Promise<Walked[]> {
  const out: Walked[] = [];
  const walk = (c: Command, prefix: string[]) => {
    for (const sub of c.commands) {
      const p = [...prefix, sub.name()];
      out.push({ path: p.join(' '), flags: sub.options.map((o) => ({ flags: o.flags, description: o.description })) });
      walk(sub, p);
    }
  };
  walk(await buildProgram(quietIo), []);
  return out;
}

/** JSON, or JSON lines (`tail --json` streams one event per line). */
function parsesAsJson(stdout: string): boolean {
  try {
    JSON.parse(stdout);
    return true;
  } catch {
    const lines = stdout.trim().split('\n');
    return lines.length > 0 && lines.every((l) => {
      try {
        JSON.parse(l);
        return true;
      } catch {
        return false;
      }
    });
  }
}

/**
 * Every command with `--json`, in the order they are run (later ones need what
 * earlier ones wrote; `close` and the hooks come last). `{id}` is the id of an
 * event logged before, `{other}` a second session.
 */
const RUNS: Array<[path: string, args: string[]]> = [
  ['start', ['start', '--name', 'other', '--goal', 'the other session']],
  ['start', ['start', '--name', 'main', '--goal', 'fix the sweep bug', '--task', '42']],
  ['log', ['log', '--progress', 'find the race', '--decision', 'lock first', '--rationale', 'simplest', '--discovery', 'check before lock', '--blocker', 'no repro', '--next', 'write the test']],
  ['checkpoint', ['checkpoint', '--note', 'halfway']],
  ['context', ['context', '--fact', 'sweeper.go:245']],
  ['link', ['link', 'kb:node:sweep', '--note', 'notes']],
  ['subsession start', ['subsession', 'start', 'investigate']],
  ['subsession end', ['subsession', 'end', '--summary', 'found it']],
  ['subsession list', ['subsession', 'list']],
  ['message send', ['message', 'send', '--to', 'main', 'look at sweeper.go']],
  ['message list', ['message', 'list', '--all']],
  ['state set', ['state', 'set', '--focus', 'the sweep bug']],
  ['state', ['state']],
  ['view', ['view', 'main']],
  ['list', ['list']],
  ['agenda', ['agenda']],
  ['item', ['item', 'task:42']],
  ['items', ['items']],
  ['stats', ['stats']],
  ['commits', ['commits']],
  ['why', ['why', 'a.ts:1']],
  ['search', ['search', 'race']],
  ['show', ['show', '{id}']],
  ['since', ['since', '1d']],
  ['tail', ['tail', '-n', '5']],
  ['rebuild', ['rebuild']],
  ['import-sessions', ['import-sessions', '.logbook/sessions']],
  ['migrate', ['migrate', 'other', 'main']],
  ['redact', ['redact', '{id}', '--reason', 'test']],
  ['pause', ['pause', '--note', 'lunch']],
  ['resume', ['resume', 'main']],
  ['sync', ['sync', 'origin']],
  ['doctor', ['doctor']],
  ['close', ['close', '--complete', '--summary', 'fixed']],
  ['init', ['init']],
  ['hooks install', ['hooks', 'install']],
  ['hooks uninstall', ['hooks', 'uninstall']],
];

describe('--json on every command', () => {
  let tree: Walked[];
  beforeAll(async () => {
    tree = await commandTree();
  });

  it('every command that offers --json is run below, and only those', () => {
    const offering = tree.filter((c) => c.flags.some((f) => f.flags === '--json')).map((c) => c.path);
    expect([...new Set(RUNS.map(([p]) => p))].sort()).toEqual([...offering].sort());
  });

  it('every flag of every command says what it does', () => {
    const undocumented = tree.flatMap((c) => c.flags.filter((f) => f.description.trim().length < 8).map((f) => `${c.path} ${f.flags}`));
    expect(undocumented).toEqual([]);
  });

  it('prints JSON for each of them, on a real repository', () => {
    const repo = makeRepo();
    git(repo, 'remote', 'add', 'origin', makeBareRepo());
    writeFileSync(path.join(repo, 'a.ts'), 'export {};\n');
    git(repo, 'add', 'a.ts');
    git(repo, 'commit', '-q', '-m', 'a file for why');
    expect(parsesAsJson(ok(repo, ['init', '--json']))).toBe(true);
    let eventId = '';
    const failures: string[] = [];
    for (const [p, args] of RUNS) {
      const argv = [...args.map((a) => (a === '{id}' ? eventId : a)), '--json'];
      const r = run(repo, argv);
      if (r.code !== 0) failures.push(`logbook ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
      else if (!parsesAsJson(r.stdout)) failures.push(`logbook ${argv.join(' ')} printed no JSON:\n${r.stdout.slice(0, 300)}`);
      if (p === 'log' && r.code === 0) eventId = (JSON.parse(r.stdout) as Array<{ id: string }>)[0]!.id;
    }
    expect(failures).toEqual([]);
  });

  it('state set --json prints the new state as JSON (it printed markdown: the parent took the flag)', () => {
    const repo = makeRepo();
    ok(repo, ['init']);
    const state = JSON.parse(ok(repo, ['state', 'set', '--focus', 'x', '--json'])) as { focus?: string };
    expect(state.focus).toBe('x');
    expect(ok(repo, ['state', 'set', '--focus', 'y'])).toContain('y');
    expect(JSON.parse(ok(repo, ['state', '--json'])).focus).toBe('y');
  });

  it('errors with --json still go to stderr with a hint, and stdout stays empty', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'x'));
    const r = run(path.join(dir, 'x'), ['list', '--json']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/hint:/);
  });
});
