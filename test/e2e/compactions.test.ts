/**
 * Compactions as a user's agent produces them: several in one conversation,
 * back to back, through the built CLI's `logbook hook` with Claude Code's and
 * Codex's payloads. Each is counted once, keeps its own summary, and
 * `--at compaction:N` is right after the Nth of them.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_FREE_ENV, TEST_HOOK_BUDGET_MS, ok, run } from '../helpers/cli.js';
import { expectNoHookErrors, watchHookErrors } from '../helpers/hookErrors.js';
import { makeRepo } from '../helpers/repo.js';

const ENV = { ...AGENT_FREE_ENV, LOGBOOK_HOOK_BUDGET_MS: TEST_HOOK_BUDGET_MS };

function hook(dir: string, event: string, payload: Record<string, unknown>, agent = 'claude-code'): void {
  watchHookErrors(dir);
  const r = run(dir, ['hook', event, '--agent', agent], { input: JSON.stringify({ cwd: dir, hook_event_name: event, ...payload }), env: ENV });
  expect(r.code).toBe(0);
}

interface View {
  session: { id: string; compactionCount: number; compactions: Array<{ summary?: string }> };
}

const view = (dir: string, ...args: string[]): View => JSON.parse(ok(dir, ['view', ...args, '--json'], { env: ENV }));

describe('compactions, back to back through the CLI hooks', () => {
  it('three Claude Code compactions in a row (PreCompact, SessionStart(compact), PostCompact each) count three, each with its own summary', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const claude = { session_id: 'cc-1', transcript_path: '/home/u/.claude/projects/p/cc-1.jsonl', permission_mode: 'default' };
    hook(dir, 'SessionStart', { ...claude, source: 'startup' });
    for (let n = 1; n <= 3; n++) {
      hook(dir, 'PreCompact', { ...claude, trigger: 'auto', custom_instructions: '' });
      expect(view(dir).session.compactionCount).toBe(n); // counted by the first hook that proves it
      hook(dir, 'SessionStart', { ...claude, source: 'compact' });
      hook(dir, 'PostCompact', { ...claude, trigger: 'auto', compact_summary: `summary ${n}` });
      expect(view(dir).session.compactionCount).toBe(n);
    }
    expect(view(dir).session.compactions.map((c) => c.summary)).toEqual(['summary 1', 'summary 2', 'summary 3']);
    const file = ok(dir, ['view'], { env: ENV });
    expect(file).toContain('compaction_count: 3');
    expect(file).toContain('compaction #3 (auto): summary 3');
    expectNoHookErrors(dir);
  });

  it('Codex (PreCompact, PostCompact without a summary) twice in a row: two compactions', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const codex = { session_id: 'cx-1', transcript_path: null, model: 'gpt-5-codex', turn_id: 'turn-1' };
    hook(dir, 'SessionStart', { ...codex, source: 'startup' }, 'codex');
    for (let n = 1; n <= 2; n++) {
      hook(dir, 'PreCompact', { ...codex, trigger: 'auto' }, 'codex');
      hook(dir, 'PostCompact', { ...codex, trigger: 'auto' }, 'codex');
    }
    expect(view(dir).session.compactionCount).toBe(2);
    expectNoHookErrors(dir);
  });

  it('--at compaction:N is right after the Nth compaction, not after a summary written for an earlier one', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const claude = { session_id: 'cc-2', transcript_path: '/home/u/.claude/projects/p/cc-2.jsonl', permission_mode: 'default' };
    hook(dir, 'SessionStart', { ...claude, source: 'startup' });
    hook(dir, 'PreCompact', { ...claude, trigger: 'manual' });
    hook(dir, 'PostCompact', { ...claude, trigger: 'manual', compact_summary: 'first' });
    ok(dir, ['log', '--progress', 'Between the compactions'], { env: { ...ENV, LOGBOOK_CLIENT_SESSION: 'cc-2' } });
    hook(dir, 'PreCompact', { ...claude, trigger: 'manual' });
    hook(dir, 'PostCompact', { ...claude, trigger: 'manual', compact_summary: 'second' });
    const at1 = view(dir, '--at', 'compaction:1');
    expect(at1.session.compactionCount).toBe(1);
    const at2 = view(dir, '--at', 'compaction:2');
    expect(at2.session.compactionCount).toBe(2);
    expect(ok(dir, ['view', '--at', 'compaction:2'], { env: ENV })).toContain('Between the compactions');
    expect(ok(dir, ['view', '--at', 'compaction:-1'], { env: ENV }).split('\n')[0]).toMatch(/^> As of compaction 2 of /);
    const r = run(dir, ['view', '--at', 'compaction:3'], { env: ENV });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('has 2 compactions, so there is no compaction:3');
    expectNoHookErrors(dir);
  });
});
