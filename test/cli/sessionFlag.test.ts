/**
 * SPEC 5: every command that acts on a session takes `--session S`. The command
 * tree is walked from the commander program, so a command added later with a
 * session argument `[S]` and no `--session` fails here; one of them is then run
 * through the built CLI with `--session` naming a session that is not current.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.js';
import { ok } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const quietIo = { cwd: '/', env: {}, stdout: () => {}, stderr: () => {}, readStdin: async () => '' };

async function sessionArgCommands(): Promise<Array<{ path: string; hasSessionFlag: boolean }>> {
  const out: Array<{ path: string; hasSessionFlag: boolean }> = [];
  const walk = (c: Command, prefix: string[]) => {
    for (const sub of c.commands) {
      const p = [...prefix, sub.name()];
      if (sub.registeredArguments.some((a) => a.name() === 'S')) out.push({ path: p.join(' '), hasSessionFlag: sub.options.some((o) => o.long === '--session') });
      walk(sub, p);
    }
  };
  walk(await buildProgram(quietIo), []);
  return out;
}

describe('--session on every command that takes a session', () => {
  it('each command with a session argument [S] also takes --session', async () => {
    const found = await sessionArgCommands();
    expect(found.map((c) => c.path)).toEqual(expect.arrayContaining(['view', 'resume', 'agenda', 'commits', 'subsession list', 'message list']));
    expect(found.filter((c) => !c.hasSessionFlag).map((c) => c.path)).toEqual([]);
  });

  it('subsession list --session S lists the work blocks of S, not of the current session', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--name', 'blocks', '--goal', 'has blocks']);
    ok(dir, ['subsession', 'start', 'parser']);
    ok(dir, ['start', '--name', 'newer', '--goal', 'the current one']);
    const listed = JSON.parse(ok(dir, ['subsession', 'list', '--session', 'blocks', '--json'])) as Array<{ sub: string; name: string }>;
    expect(listed.map((b) => [b.sub, b.name])).toEqual([['sub_001', 'parser']]);
    expect(JSON.parse(ok(dir, ['subsession', 'list', '--json']))).toEqual([]);
  });
});
