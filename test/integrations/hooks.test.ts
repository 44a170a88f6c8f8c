/**
 * `logbook hook <Event>` as Claude Code and Codex run it: a child process with
 * the client's JSON on stdin (field names from their hooks references), checked
 * by its stdout and by the events it wrote (`logbook view --json`).
 */
import { existsSync, readFileSync, readdirSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleHook } from '../../src/integrations/hooks.js';
import { TEST_HOOK_BUDGET_MS, ok, run, runAsync, type RunResult, AGENT_FREE_ENV } from '../helpers/cli.js';
import { expectHookError, expectNoHookErrors, hookErrors, watchHookErrors } from '../helpers/hookErrors.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';

const CLEAN = {
  ...AGENT_FREE_ENV,
  // Not the 1.2 s SessionEnd budget: what a hook writes must not depend on the machine's speed (see test/helpers/cli.ts).
  LOGBOOK_HOOK_BUDGET_MS: TEST_HOOK_BUDGET_MS,
};

type Payload = Record<string, unknown>;

/** What Claude Code sends: common fields plus the event's own. */
function claude(dir: string, event: string, sessionId: string, fields: Payload = {}): Payload {
  return {
    session_id: sessionId,
    transcript_path: `/home/u/.claude/projects/p/${sessionId}.jsonl`,
    cwd: dir,
    permission_mode: 'default',
    hook_event_name: event,
    ...fields,
  };
}

/** What Codex sends: the same fields, transcript_path may be null, plus model and turn_id. */
function codex(dir: string, event: string, sessionId: string, fields: Payload = {}): Payload {
  return { session_id: sessionId, transcript_path: null, cwd: dir, hook_event_name: event, model: 'gpt-5-codex', turn_id: 'turn-1', ...fields };
}

function hook(dir: string, event: string, payload: Payload | string, env: Record<string, string | undefined> = {}, extra: string[] = []): RunResult {
  watchHookErrors(dir);
  return run(dir, ['hook', event, ...extra], { input: typeof payload === 'string' ? payload : JSON.stringify(payload), env: { ...CLEAN, ...env } });
}

function lb(dir: string, args: string[], env: Record<string, string | undefined> = {}): string {
  return ok(dir, args, { env: { ...CLEAN, ...env } });
}

interface View {
  session: { id: string; stable: string; status: string; compactionCount: number; compactions: Array<{ trigger: string; summary?: string }> };
  events: Array<{ type: string; at: string; actor: { name: string; agent?: string; agentSession?: string }; data: Record<string, unknown> }>;
}

const view = (dir: string, session?: string): View => JSON.parse(lb(dir, ['view', ...(session ? [session] : []), '--json']));
/** Oldest first (`list` shows the newest first). */
const sessions = (dir: string): Array<{ id: string; status: string; shortname: string }> => (JSON.parse(lb(dir, ['list', '--json'])) as Array<{ id: string; status: string; shortname: string }>).reverse();
const ofType = (v: View, type: string) => v.events.filter((e) => e.type === type);

/** A repository for hook tests: whatever hook runs in it, in a child or in-process, must log no error unless the test expects one. */
function initRepo(): string {
  const dir = makeRepo();
  lb(dir, ['init']);
  watchHookErrors(dir);
  return dir;
}

function additionalContext(r: RunResult, event = 'SessionStart'): string {
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
  expect(out.hookSpecificOutput.hookEventName).toBe(event);
  return out.hookSpecificOutput.additionalContext;
}

const errorLog = hookErrors;

/** A hook run as a child process without waiting, its errors checked after the test. */
function hookAsync(dir: string, args: string[], payload: Payload): Promise<RunResult> {
  watchHookErrors(dir);
  return runAsync(dir, ['hook', ...args], { input: JSON.stringify(payload), env: CLEAN });
}

describe('SessionStart', () => {
  it('starts and binds a session on startup when none is active, and injects its context', () => {
    const dir = initRepo();
    const ctx = additionalContext(hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'cc-1', { source: 'startup', model: 'claude-sonnet-4-5' })));
    const [s] = sessions(dir);
    expect(s).toBeDefined();
    expect(ctx).toContain(s!.id);
    expect(ctx).toContain('log --progress');
    const v = view(dir, s!.id);
    const link = ofType(v, 'transcript.linked')[0]!;
    expect(link.data).toEqual({ client: 'claude-code', clientSession: 'cc-1', path: '/home/u/.claude/projects/p/cc-1.jsonl', source: 'startup' });
    expect(link.actor).toMatchObject({ name: 'Ada Lovelace', agent: 'claude-code', agentSession: 'cc-1' });
  });

  it('adopts a session started on the command line, with its log and unread messages (marked read once shown)', () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Port the parser to Rust', '--name', 'parser']);
    lb(dir, ['log', '--done', 'Lexer ported', '--progress', 'Porting the grammar', '--decision', 'Use nom', '--rationale', 'zero-copy', '--next', 'Benchmarks']);
    lb(dir, ['message', 'send', '--to', 'parser', 'Remember the unicode tests']);
    const ctx = additionalContext(hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'cc-2', { source: 'startup' })));
    expect(sessions(dir)).toHaveLength(1);
    for (const text of ['Port the parser to Rust', 'Lexer ported', 'Porting the grammar', 'Use nom', 'Benchmarks', 'Remember the unicode tests']) expect(ctx).toContain(text);
    const v = view(dir, 'parser');
    expect(ofType(v, 'transcript.linked')).toHaveLength(1);
    expect(ofType(v, 'message.read')).toHaveLength(1);
    // Shown once: the next start does not show it as unread again.
    const again = additionalContext(hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'cc-2', { source: 'resume' })));
    expect(again).not.toContain('Remember the unicode tests');
    expect(ofType(view(dir, 'parser'), 'transcript.linked').map((e) => e.data.source)).toEqual(['startup', 'resume']);
  });

  it('keeps the injected context within 10,000 characters', () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Big session']);
    const long = 'x'.repeat(1500);
    for (let i = 0; i < 12; i++) lb(dir, ['log', '--decision', `Decision ${i} ${long}`, '--rationale', long, '--discovery', `Found ${i} ${long}`]);
    const ctx = additionalContext(hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'cc-3', { source: 'compact' })));
    expect(ctx.length).toBeLessThanOrEqual(10_000);
    expect(ctx).toContain('Big session');
  });

  it('leaves autoStart=false repositories without a session, and says how to start one', () => {
    const dir = initRepo();
    git(dir, 'config', 'logbook.autoStart', 'false');
    const ctx = additionalContext(hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'cc-4', { source: 'startup' })));
    expect(ctx).toContain('start --goal');
    expect(sessions(dir)).toHaveLength(0);
  });

  it('exports the client session for the agent\'s shell, so its own logbook commands reach its session', () => {
    const dir = initRepo();
    const envFile = path.join(tempDir(), 'claude-env.sh');
    writeFileSync(envFile, '');
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'cc-A', { source: 'startup' }), { CLAUDE_ENV_FILE: envFile });
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'cc-B', { source: 'startup' }));
    const [a, b] = sessions(dir);
    expect(a!.id).not.toBe(b!.id);
    const exported = readFileSync(envFile, 'utf8');
    expect(exported).toContain("export LOGBOOK_CLIENT_SESSION='cc-A'");
    expect(exported).toContain("export LOGBOOK_AGENT='claude-code'");
    // Without the variable the newest session (b) would be meant; with it, a's own session is.
    const agentEnv = { LOGBOOK_CLIENT_SESSION: 'cc-A', LOGBOOK_AGENT: 'claude-code' };
    lb(dir, ['log', '--progress', 'written by agent A'], agentEnv);
    expect(ofType(view(dir, a!.id), 'progress')[0]!.actor).toMatchObject({ agent: 'claude-code', agentSession: 'cc-A' });
    // A session the agent starts itself becomes its session.
    lb(dir, ['start', '--goal', 'A second task'], agentEnv);
    lb(dir, ['log', '--progress', 'on the second task'], agentEnv);
    const third = sessions(dir).find((s) => s.id !== a!.id && s.id !== b!.id)!;
    expect(ofType(view(dir, third.id), 'progress').map((e) => e.data.text)).toEqual(['on the second task']);
  });
});

describe('concurrent client sessions', () => {
  it('started in the same minute, get distinct shortnames', () => {
    const dir = initRepo();
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'a1b2c3d4-0000', { source: 'startup' }));
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'e5f6a7b8-0000', { source: 'startup' }));
    const names = sessions(dir).map((s) => s.shortname).sort();
    expect(names).toEqual(['claude-code-a1b2c3d4', 'claude-code-e5f6a7b8']);
  });

  it('whose client ids begin alike (or whose name a hand-started session took), still get unique shortnames', () => {
    const dir = initRepo();
    lb(dir, ['start', '--name', 'claude-code-samesame']);
    lb(dir, ['pause']); // not adoptable: the hooks start their own
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'samesame-0001', { source: 'startup' }));
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'samesame-0002', { source: 'startup' }));
    expect(sessions(dir).map((s) => s.shortname)).toEqual(['claude-code-samesame', 'claude-code-samesame-2', 'claude-code-samesame-3']);
    expect(errorLog(dir)).toBe('');
  });

  it('never bleed into each other', async () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Started by hand']);
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'one', { source: 'startup' }));
    hook(dir, 'SessionStart', codex(dir, 'SessionStart', 'two', { source: 'startup' }), {}, ['--agent', 'codex']);
    const all = sessions(dir);
    expect(all).toHaveLength(2); // "one" adopted the hand-started session, "two" got its own
    const burst: Array<Promise<RunResult>> = [];
    for (let i = 0; i < 6; i++) {
      burst.push(hookAsync(dir, ['PostToolUse'], claude(dir, 'PostToolUse', 'one', { tool_name: 'Edit', tool_input: {}, tool_response: { success: true }, tool_use_id: `t${i}` })));
      if (i < 4) burst.push(hookAsync(dir, ['PostToolUse', '--agent', 'codex'], codex(dir, 'PostToolUse', 'two', { tool_name: 'Bash', tool_input: {}, tool_response: 'ok', tool_use_id: `c${i}` })));
    }
    for (const r of await Promise.all(burst)) expect(r).toMatchObject({ code: 0, stdout: '' });
    await Promise.all([
      hookAsync(dir, ['Stop'], claude(dir, 'Stop', 'one', { stop_hook_active: false })),
      hookAsync(dir, ['Stop', '--agent', 'codex'], codex(dir, 'Stop', 'two', { stop_hook_active: false, last_assistant_message: null })),
    ]);
    const [first, second] = all.map((s) => view(dir, s.id));
    const tools = (v: View) => ofType(v, 'tool.used');
    expect(tools(first!)).toHaveLength(6);
    expect(tools(first!).every((e) => e.actor.agentSession === 'one' && e.data.tool === 'Edit')).toBe(true);
    expect(tools(second!)).toHaveLength(4);
    expect(tools(second!).every((e) => e.actor.agentSession === 'two' && e.actor.agent === 'codex' && e.data.tool === 'Bash')).toBe(true);
    expect(errorLog(dir)).toBe('');
  });

  it('two conversations starting at the same moment do not share the free session they both saw', async () => {
    // In one process, so that both read the journal before either writes: the race, every time.
    const env: NodeJS.ProcessEnv = { ...process.env, ...CLEAN, GIT_CONFIG_NOSYSTEM: '1' };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Free for the taking']);
    const starts = ['left', 'right'].map((cs) => handleHook('SessionStart', JSON.stringify(claude(dir, 'SessionStart', cs, { source: 'startup' })), { cwd: dir, env }));
    const ids = (await Promise.all(starts)).map((r) => /writes to session (\S+)/.exec(additionalContext({ code: 0, stdout: r.stdout ?? '', stderr: '' }))![1]!);
    expect(new Set(ids).size).toBe(2);
    expect(sessions(dir)).toHaveLength(2);
    for (const cs of ['left', 'right']) {
      hook(dir, 'PostToolUse', claude(dir, 'PostToolUse', cs, { tool_name: cs, tool_input: {}, tool_response: {}, tool_use_id: cs }));
      hook(dir, 'Stop', claude(dir, 'Stop', cs, { stop_hook_active: false }));
    }
    expect(ofType(view(dir, ids[0]), 'tool.used').map((e) => e.data.tool)).toEqual(['left']);
    expect(ofType(view(dir, ids[1]), 'tool.used').map((e) => e.data.tool)).toEqual(['right']);
  });

  it('a new conversation continues the session the last one left (SessionEnd releases it)', () => {
    const dir = initRepo();
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'monday', { source: 'startup' }));
    const end = hook(dir, 'SessionEnd', claude(dir, 'SessionEnd', 'monday', { reason: 'prompt_input_exit' }));
    expect(end).toMatchObject({ code: 0, stdout: '' });
    // It did its work rather than give up (the budget itself: hookDeadline.test.ts; its speed: `npm run bench`).
    expect(errorLog(dir)).toBe('');
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'tuesday', { source: 'startup' }));
    const all = sessions(dir);
    expect(all).toHaveLength(1);
    const v = view(dir, all[0]!.id);
    expect(ofType(v, 'transcript.linked').map((e) => e.data.clientSession)).toEqual(['monday', 'tuesday']);
    expect(ofType(v, 'session.checkpointed').map((e) => e.data.note)).toEqual(['claude-code conversation ended (prompt_input_exit)']);
  });
});

describe('compaction', () => {
  const start = (dir: string, cs: string) => hook(dir, 'SessionStart', claude(dir, 'SessionStart', cs, { source: 'startup' }));
  const frontmatterCount = (dir: string) => {
    lb(dir, ['rebuild']);
    const active = path.join(dir, '.logbook', 'sessions', 'active');
    const file = readdirSync(active).find((f) => f.endsWith('.md'))!;
    return /compaction_count: (\d+)/.exec(readFileSync(path.join(active, file), 'utf8'))![1];
  };

  it('PreCompact then SessionStart(compact): counted once at PreCompact; the file says 1 and the context "after 1 compaction(s)"', () => {
    const dir = initRepo();
    start(dir, 'c0');
    expect(hook(dir, 'PreCompact', claude(dir, 'PreCompact', 'c0', { trigger: 'auto', custom_instructions: '' }))).toMatchObject({ code: 0, stdout: '' });
    expect(view(dir).session.compactionCount).toBe(1);
    const ctx = additionalContext(hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'c0', { source: 'compact' })));
    expect(ctx.split('\n').slice(0, 2).join('\n').replace(/\S+ \(s_\w+, [\w-]+\)/, 'SESSION')).toMatchInlineSnapshot(`
      "Logbook: this claude-code conversation writes to session SESSION.
      (after 1 compaction(s))"
    `);
    expect(frontmatterCount(dir)).toBe('1');
    expect(ofType(view(dir), 'session.compacted')).toHaveLength(1);
  });

  it('PreCompact, PostCompact, SessionStart(compact): one compaction, its summary attached to it, later hooks add nothing', () => {
    const dir = initRepo();
    start(dir, 'c1');
    expect(hook(dir, 'PreCompact', claude(dir, 'PreCompact', 'c1', { trigger: 'auto', custom_instructions: '' }))).toMatchObject({ code: 0, stdout: '' });
    expect(hook(dir, 'PostCompact', claude(dir, 'PostCompact', 'c1', { trigger: 'auto', compact_summary: 'We ported the lexer; grammar next.' }))).toMatchObject({ code: 0, stdout: '' });
    expect(additionalContext(hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'c1', { source: 'compact' })))).toContain('(after 1 compaction(s))');
    hook(dir, 'Stop', claude(dir, 'Stop', 'c1', { stop_hook_active: false }));
    hook(dir, 'UserPromptSubmit', claude(dir, 'UserPromptSubmit', 'c1', { prompt: 'ok' }));
    const v = view(dir);
    expect(v.session.compactionCount).toBe(1);
    expect(v.session.compactions).toEqual([expect.objectContaining({ trigger: 'auto', summary: 'We ported the lexer; grammar next.' })]);
    const compacted = ofType(v, 'session.compacted');
    expect(compacted.map((e) => e.data)).toEqual([{ trigger: 'auto' }, { trigger: 'auto', summary: 'We ported the lexer; grammar next.', of: (compacted[0] as unknown as { id: string }).id }]);
    expect(ofType(v, 'session.checkpointed').map((e) => e.data.note)).toEqual(['before auto compaction']);
    expect(frontmatterCount(dir)).toBe('1');
  });

  it('the same hook twice at once (installed in user and project settings) counts once, and stores the summary once', async () => {
    const dir = initRepo();
    start(dir, 'c3');
    const twice = (event: string, fields: Payload) => Promise.all([0, 1].map(() => hookAsync(dir, [event], claude(dir, event, 'c3', fields))));
    await twice('PreCompact', { trigger: 'manual' });
    await twice('PostCompact', { trigger: 'manual', compact_summary: 'sum' });
    await twice('SessionStart', { source: 'compact' });
    const v = view(dir);
    expect(v.session.compactionCount).toBe(1);
    expect(ofType(v, 'session.compacted').filter((e) => e.data.summary)).toHaveLength(1);
    expect(errorLog(dir)).toBe('');
  });
});

describe('compaction, in process with a controlled clock', () => {
  type Hook = 'PreCompact' | 'SessionStart' | 'PostCompact';
  const payload = (dir: string, h: Hook, cs: string) =>
    JSON.stringify(claude(dir, h, cs, h === 'SessionStart' ? { source: 'compact' } : h === 'PostCompact' ? { trigger: 'auto', compact_summary: `summary of ${cs}` } : { trigger: 'auto' }));
  const env = { ...process.env, ...CLEAN, GIT_CONFIG_NOSYSTEM: '1', LOGBOOK_SESSION: undefined };
  for (const k of Object.keys(env)) if ((env as Record<string, unknown>)[k] === undefined) delete (env as Record<string, unknown>)[k];
  const orders: Hook[][] = [
    ['PreCompact', 'SessionStart', 'PostCompact'],
    ['PreCompact', 'PostCompact', 'SessionStart'],
    ['SessionStart', 'PreCompact', 'PostCompact'],
    ['SessionStart', 'PostCompact', 'PreCompact'],
    ['PostCompact', 'PreCompact', 'SessionStart'],
    ['PostCompact', 'SessionStart', 'PreCompact'],
    ['PreCompact'],
    ['SessionStart'],
    ['PostCompact'],
    ['PreCompact', 'SessionStart'],
    ['SessionStart', 'PostCompact'],
  ];

  it('any order and any subset of the three hooks, twice (a second compaction 20 minutes later): two compactions, each summary on its own', async () => {
    const dir = initRepo();
    let t = Date.parse('2026-03-01T10:00:00Z');
    const now = () => new Date(t);
    for (const [n, order] of orders.entries()) {
      const cs = `order-${n}`;
      await handleHook('SessionStart', JSON.stringify(claude(dir, 'SessionStart', cs, { source: 'startup' })), { cwd: dir, env, now });
      for (let round = 0; round < 2; round++) {
        for (const h of order) {
          t += 5_000; // hooks of one compaction: seconds apart
          await handleHook(h, payload(dir, h, `${cs}`), { cwd: dir, env, now });
        }
        t += 20 * 60_000;
      }
      const sessionId = JSON.parse(ok(dir, ['list', '--json'])).find((s: { meta: Record<string, string> }) => s.meta.clientSession === cs).id as string;
      const v = view(dir, sessionId);
      const hasPost = order.includes('PostCompact');
      expect([order.join(','), v.session.compactionCount]).toEqual([order.join(','), 2]);
      expect([order.join(','), v.session.compactions.map((c) => c.summary)]).toEqual([order.join(','), hasPost ? [`summary of ${cs}`, `summary of ${cs}`] : [undefined, undefined]]);
      await handleHook('SessionEnd', JSON.stringify(claude(dir, 'SessionEnd', cs, { reason: 'exit' })), { cwd: dir, env, now });
      lb(dir, ['close', '--complete', '--session', sessionId]);
    }
    expect(errorLog(dir)).toBe('');
  });

  it('a PreCompact seen again after the duplicate window is another compaction; a retry within it is not', async () => {
    const dir = initRepo();
    let t = Date.parse('2026-03-01T10:00:00Z');
    const now = () => new Date(t);
    await handleHook('SessionStart', JSON.stringify(claude(dir, 'SessionStart', 'p', { source: 'startup' })), { cwd: dir, env, now });
    await handleHook('PreCompact', payload(dir, 'PreCompact', 'p'), { cwd: dir, env, now });
    t += 2_000;
    await handleHook('PreCompact', payload(dir, 'PreCompact', 'p'), { cwd: dir, env, now }); // retry
    expect(view(dir).session.compactionCount).toBe(1);
    t += 5 * 60_000;
    await handleHook('PreCompact', payload(dir, 'PreCompact', 'p'), { cwd: dir, env, now }); // the next compaction (no PostCompact came)
    expect(view(dir).session.compactionCount).toBe(2);
    t += 5_000;
    await handleHook('PostCompact', JSON.stringify(codex(dir, 'PostCompact', 'p', { trigger: 'auto' })), { cwd: dir, env, now, agent: 'codex' });
    expect(view(dir).session.compactionCount).toBe(2); // Codex's PostCompact (no summary) joins it
    // A compaction whose PreCompact was lost: SessionStart(compact) counts it; the PreCompact of the next one, minutes later, is new.
    t += 10 * 60_000;
    await handleHook('SessionStart', payload(dir, 'SessionStart', 'p'), { cwd: dir, env, now });
    expect(view(dir).session.compactionCount).toBe(3);
    t += 5 * 60_000;
    await handleHook('PreCompact', payload(dir, 'PreCompact', 'p'), { cwd: dir, env, now });
    expect(view(dir).session.compactionCount).toBe(4);
  });
});

describe('UserPromptSubmit', () => {
  it('injects the resume context on a continuation intent only', () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Fix the flaky upload test']);
    lb(dir, ['log', '--progress', 'Bisecting the retry logic']);
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'u1', { source: 'startup' }));
    for (const prompt of ['continue', 'OK, where were we?', "Let's pick up where we left off", 'resume please']) {
      const ctx = additionalContext(hook(dir, 'UserPromptSubmit', claude(dir, 'UserPromptSubmit', 'u1', { prompt })), 'UserPromptSubmit');
      expect(ctx).toContain('Bisecting the retry logic');
    }
    for (const prompt of ['continue the for loop at line 5', 'Add a retry to the upload client', '', null]) {
      expect(hook(dir, 'UserPromptSubmit', claude(dir, 'UserPromptSubmit', 'u1', { prompt }))).toEqual({ code: 0, stdout: '', stderr: '' });
    }
  });
});

describe('tool use, subagents, Stop', () => {
  it('PostToolUse only spools; the next hook writes tool.used with success and duration, tied to the session', () => {
    const dir = initRepo();
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 't1', { source: 'startup' }));
    hook(dir, 'PostToolUse', claude(dir, 'PostToolUse', 't1', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: { stdout: '', stderr: '', interrupted: false }, tool_use_id: 'a', duration_ms: 42 }));
    hook(dir, 'PostToolUseFailure', claude(dir, 'PostToolUseFailure', 't1', { tool_name: 'Bash', tool_input: {}, tool_use_id: 'b', error: 'exit 1', is_interrupt: false }));
    hook(dir, 'PostToolUse', codex(dir, 'PostToolUse', 't1', { tool_name: 'shell', tool_input: {}, tool_response: { exit_code: 2 }, tool_use_id: 'c' }));
    expect(ofType(view(dir), 'tool.used')).toHaveLength(0); // still in the spool
    hook(dir, 'Stop', claude(dir, 'Stop', 't1', { stop_hook_active: false, last_assistant_message: 'done' }));
    const tools = ofType(view(dir), 'tool.used').map((e) => e.data);
    expect(tools).toEqual([
      { tool: 'Bash', success: true, durationMs: 42 },
      { tool: 'Bash', success: false },
      { tool: 'shell', success: false },
    ]);
    expect(readdirSync(path.join(dir, '.git', 'logbook', 'spool'))).toEqual([]);
  });

  it('a byte-order mark before the JSON (as Windows tools write it) is read as JSON, on the fast PostToolUse path too', () => {
    const dir = initRepo();
    const bom = (p: Payload) => `\uFEFF${JSON.stringify(p)}`;
    const start = hook(dir, 'SessionStart', bom(claude(dir, 'SessionStart', 'bom1', { source: 'startup' })));
    expect(additionalContext(start)).toContain('Logbook: this claude-code conversation writes to session');
    hook(dir, 'PostToolUse', bom(claude(dir, 'PostToolUse', 'bom1', { tool_name: 'Read', tool_input: {}, tool_response: {}, tool_use_id: 'a' })));
    hook(dir, 'Stop', bom(claude(dir, 'Stop', 'bom1', { stop_hook_active: false })));
    expect(ofType(view(dir), 'tool.used').map((e) => e.data)).toEqual([{ tool: 'Read', success: true }]);
    expect(errorLog(dir)).toBe('');
  });

  it('records subagents with their parent session', () => {
    const dir = initRepo();
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 's1', { source: 'startup' }));
    const [s] = sessions(dir);
    hook(dir, 'SubagentStart', claude(dir, 'SubagentStart', 's1', { agent_id: 'ag-1', agent_type: 'Explore' }));
    hook(dir, 'SubagentStop', claude(dir, 'SubagentStop', 's1', { agent_id: 'ag-1', agent_type: 'Explore', agent_transcript_path: '/t/ag-1.jsonl', last_assistant_message: 'Found 3 call sites', stop_hook_active: false }));
    hook(dir, 'SubagentStop', codex(dir, 'SubagentStop', 's1', { agent_id: null, agent_type: null, agent_transcript_path: null, last_assistant_message: null, stop_hook_active: false }));
    const v = view(dir);
    expect(ofType(v, 'agent.started').map((e) => e.data)).toEqual([{ agentId: 'ag-1', agentType: 'Explore', parentSession: s!.id }]);
    const finished = ofType(v, 'agent.finished').map((e) => e.data);
    expect(finished[0]).toEqual({ agentId: 'ag-1', agentType: 'Explore', parentSession: s!.id, result: 'Found 3 call sites' });
    expect(finished[1]).toMatchObject({ agentType: 'subagent', parentSession: s!.id });
  });

  it('Stop nudges once when configured and the turn used tools but logged nothing; never when stop_hook_active', () => {
    const dir = initRepo();
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'n1', { source: 'startup' }));
    const turn = (prompt: string) => hook(dir, 'UserPromptSubmit', claude(dir, 'UserPromptSubmit', 'n1', { prompt }));
    const tool = () => hook(dir, 'PostToolUse', claude(dir, 'PostToolUse', 'n1', { tool_name: 'Edit', tool_input: {}, tool_response: {}, tool_use_id: 'x' }));
    const stop = (active: boolean) => hook(dir, 'Stop', claude(dir, 'Stop', 'n1', { stop_hook_active: active }));

    turn('Rename the config loader');
    tool();
    expect(stop(false).stdout).toBe(''); // off by default

    git(dir, 'config', 'logbook.stopNudge', 'true');
    turn('Now add the tests');
    tool();
    const nudge = JSON.parse(stop(false).stdout) as { decision: string; reason: string };
    expect(nudge.decision).toBe('block');
    expect(nudge.reason).toContain('log');
    expect(stop(true).stdout).toBe(''); // the agent is continuing because of us
    expect(stop(false).stdout).toBe(''); // once per turn

    turn('And the docs');
    tool();
    lb(dir, ['log', '--done', 'Docs updated'], { LOGBOOK_CLIENT_SESSION: 'n1' });
    expect(stop(false).stdout).toBe(''); // logged something

    turn('What does this function do?');
    expect(stop(false).stdout).toBe(''); // no tools, nothing to log
  });
});

describe('a hook never breaks the agent', () => {
  const quiet = { code: 0, stdout: '' };

  it('garbage, empty and incomplete stdin, unknown events: exit 0, no output, one line in hook-errors.log', () => {
    const dir = initRepo();
    expect(hook(dir, 'SessionStart', '{not json')).toMatchObject(quiet);
    expect(hook(dir, 'PostToolUse', 'garbage')).toMatchObject(quiet);
    expect(hook(dir, 'Stop', '')).toMatchObject(quiet);
    expect(hook(dir, 'SessionStart', { source: 'startup' })).toMatchObject(quiet);
    expect(hook(dir, 'NoSuchEvent', claude(dir, 'NoSuchEvent', 'x'))).toMatchObject(quiet);
    const lines = expectHookError(dir, /^SessionStart INVALID_INPUT: hook input is not JSON/, { lines: 5 });
    expect(errorLog(dir)).toMatch(/^\S+Z SessionStart INVALID_INPUT/); // each line begins with its time
    expect(lines[0]).toMatch(/^SessionStart INVALID_INPUT: hook input is not JSON/);
    expect(lines[1]).toMatch(/^PostToolUse INVALID_INPUT/);
    expect(lines[3]).toContain('session_id');
    expect(lines[4]).toContain('unknown hook event "NoSuchEvent"');
    expect(sessions(dir)).toHaveLength(0);
  });

  it('outside a repository and in an uninitialised one: exit 0, no output', () => {
    const outside = tempDir();
    for (const event of ['SessionStart', 'PostToolUse', 'Stop', 'SessionEnd']) expect(hook(outside, event, claude(outside, event, 'x', { source: 'startup' }))).toMatchObject(quiet);
    const bare = makeRepo();
    for (const event of ['SessionStart', 'PostToolUse', 'UserPromptSubmit', 'Stop']) expect(hook(bare, event, claude(bare, event, 'x', { prompt: 'continue' }))).toMatchObject(quiet);
    expectHookError(bare, /^SessionStart NOT_INITIALISED/, { lines: 1 }); // said once, not on every tool call
    // Outside a repository there is nowhere to log to, and nothing is written anywhere.
    expectNoHookErrors(outside);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a locked journal ref: exit 0, no output, the error logged and the spooled tool uses kept', async () => {
    const dir = initRepo();
    hook(dir, 'SessionStart', claude(dir, 'SessionStart', 'l1', { source: 'startup' }));
    hook(dir, 'PostToolUse', claude(dir, 'PostToolUse', 'l1', { tool_name: 'Read', tool_input: {}, tool_response: {}, tool_use_id: 'r' }));
    const replica = git(dir, 'config', 'logbook.replica').trim();
    const lock = path.join(dir, '.git', 'refs', 'logbook', 'replicas', `${replica}.lock`);
    writeFileSync(lock, '');
    const fresh = setInterval(() => utimesSync(lock, new Date(), new Date()), 300); // a live writer, never stale
    try {
      const r = await hookAsync(dir, ['Stop'], claude(dir, 'Stop', 'l1', { stop_hook_active: false }));
      expect(r).toMatchObject(quiet);
    } finally {
      clearInterval(fresh);
    }
    expectHookError(dir, /^Stop LOCKED/, { lines: 1 });
    unlinkSync(lock);
    hook(dir, 'Stop', claude(dir, 'Stop', 'l1', { stop_hook_active: false }));
    expect(ofType(view(dir), 'tool.used').map((e) => e.data.tool)).toEqual(['Read']);
    expectHookError(dir, /^Stop LOCKED/, { lines: 1 }); // the Stop after the lock went away logged nothing
  }, 20_000);
});
