/**
 * "Since you were last here" end to end: two agents (two Claude Code
 * conversations, through real `logbook hook` child processes) and a person,
 * on two clones that share one journal through a bare remote and `logbook sync`.
 * The second agent's next SessionStart hears what the first decided and
 * unblocked while it was away; `logbook since` says the same.
 */
import { describe, expect, it } from 'vitest';
import { ok, run, AGENT_FREE_ENV } from '../helpers/cli.js';
import { watchHookErrors } from '../helpers/hookErrors.js';
import { git, makeBareRepo, makeRepo } from '../helpers/repo.js';

const CLEAN = {
  ...AGENT_FREE_ENV,
};

function clone(remote: string, name: string, email: string): string {
  const dir = makeRepo({ name });
  git(dir, 'config', 'user.email', email);
  git(dir, 'remote', 'add', 'origin', remote);
  ok(dir, ['init']);
  return dir;
}

function hook(dir: string, event: string, cs: string, fields: Record<string, unknown> = {}): string {
  const payload = { session_id: cs, transcript_path: `/home/u/.claude/projects/p/${cs}.jsonl`, cwd: dir, permission_mode: 'default', hook_event_name: event, ...fields };
  watchHookErrors(dir);
  const r = run(dir, ['hook', event], { input: JSON.stringify(payload), env: CLEAN });
  expect(r.code).toBe(0);
  return r.stdout;
}

const contextOf = (stdout: string) => (JSON.parse(stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;

/** A command the agent runs in its shell: SessionStart exported its conversation and agent. */
const agent = (dir: string, cs: string, args: string[]) => ok(dir, args, { env: { ...CLEAN, LOGBOOK_CLIENT_SESSION: cs, LOGBOOK_AGENT: 'claude-code' } });
const person = (dir: string, args: string[]) => ok(dir, args, { env: CLEAN });

describe('catch-up across agents, people and clones', () => {
  it("the second agent's SessionStart names the first agent's decision and resolved blocker", () => {
    const remote = makeBareRepo();
    const a = clone(remote, 'Ada Lovelace', 'ada@example.com');
    const b = clone(remote, 'Bob Babbage', 'bob@example.com');

    // Monday on clone B: the second agent's first conversation, which ends.
    contextOf(hook(b, 'SessionStart', 'bob-monday', { source: 'startup' }));
    agent(b, 'bob-monday', ['log', '--done', 'Profiled the cold start']);
    agent(b, 'bob-monday', ['close', '--complete', '--summary', 'profiled']);
    hook(b, 'SessionEnd', 'bob-monday', { reason: 'prompt_input_exit' });
    person(b, ['sync']);

    // Tuesday on clone A: the first agent decides and is blocked, then unblocked; Ada herself logs a finding.
    person(a, ['sync']);
    contextOf(hook(a, 'SessionStart', 'ada-tuesday', { source: 'startup' }));
    agent(a, 'ada-tuesday', ['log', '--decision', 'Shard the cache by ref tip', '--rationale', 'a fetch then rereads one shard']);
    agent(a, 'ada-tuesday', ['log', '--blocker', 'CI runner is out of disk']);
    agent(a, 'ada-tuesday', ['log', '--resolve', '1', '--note', 'runner replaced']);
    person(a, ['start', '--goal', 'Review the docs', '--name', 'docs']);
    person(a, ['log', '--session', 'docs', '--discovery', 'The sync page still shows the old refspec']);
    person(a, ['sync']);

    // Wednesday on clone B: the second agent starts a new conversation after a sync.
    person(b, ['sync']);
    const ctx = contextOf(hook(b, 'SessionStart', 'bob-wednesday', { source: 'startup' }));
    expect(ctx.length).toBeLessThanOrEqual(10_000);
    const section = ctx.slice(ctx.indexOf('## Since you were last here'));
    expect(ctx).toContain('## Since you were last here');
    expect(section).toMatch(/decision: Shard the cache by ref tip — a fetch then rereads one shard/);
    expect(section).toMatch(/Ada Lovelace \(claude-code\): resolved blocker: CI runner is out of disk — runner replaced/);
    expect(section).toMatch(/Ada Lovelace: discovery: The sync page still shows the old refspec/);
    // Its own earlier work is not news to it.
    expect(section).not.toContain('Profiled the cold start');
    // The session's own part comes first and is whole.
    expect(ctx.indexOf('## TL;DR')).toBeLessThan(ctx.indexOf('## Since you were last here'));

    // `logbook since` (default: the end of this actor's and agent's previous session) tells the same, as JSON too.
    const since = JSON.parse(agent(b, 'bob-wednesday', ['since', '--json'])) as { moment: { kind: string }; sessions: Array<{ shortname?: string; mine: boolean; changes: Array<{ kind: string; text: string }> }> };
    expect(since.moment.kind).toBe('previous');
    const kinds = since.sessions.flatMap((g) => g.changes.map((c) => `${g.shortname}:${c.kind}:${c.text}`));
    expect(kinds).toContain('docs:discovery:The sync page still shows the old refspec');
    expect(kinds.some((k) => k.endsWith(':resolved:CI runner is out of disk — runner replaced'))).toBe(true);
    expect(kinds.some((k) => k.endsWith(':decision:Shard the cache by ref tip — a fetch then rereads one shard'))).toBe(true);

    // Once both clones hold the same events, the same WHEN gives the same bytes on each.
    person(b, ['sync']);
    person(a, ['sync']);
    const firstDecision = (JSON.parse(person(a, ['view', 'docs', '--json'])) as { events: Array<{ id: string }> }).events[0]!.id;
    for (const args of [['view', 'docs', '--at', firstDecision], ['agenda', '--all', '--at', firstDecision], ['stats', '--at', firstDecision, '--json'], ['items', '--at', firstDecision]]) {
      expect(person(a, args)).toBe(person(b, args));
    }
  });

  it('a conversation that goes on in the same session (resumed, or a new one adopting it) hears what others wrote since it was last here', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    contextOf(hook(dir, 'SessionStart', 'ada-1', { source: 'startup' }));
    agent(dir, 'ada-1', ['log', '--progress', 'Porting the lexer']);
    hook(dir, 'SessionEnd', 'ada-1', { reason: 'exit' });
    const bob = { ...CLEAN, LOGBOOK_ACTOR: 'Bob Babbage <bob@example.com>' };
    ok(dir, ['start', '--goal', 'Fix the build', '--name', 'build'], { env: bob });
    ok(dir, ['log', '--session', 'build', '--decision', 'Pin the toolchain', '--blocker', 'Mirror is down'], { env: bob });
    ok(dir, ['log', '--session', 'build', '--resolve', '1', '--note', 'mirror back'], { env: bob });

    // The same conversation resumed: it goes on in its own session.
    const resumed = contextOf(hook(dir, 'SessionStart', 'ada-1', { source: 'resume' }));
    expect(resumed).toContain('Porting the lexer');
    expect(resumed).toContain('## Since you were last here');
    const section = resumed.slice(resumed.indexOf('## Since you were last here'));
    expect(section).toMatch(/Bob Babbage: decision: Pin the toolchain/);
    expect(section).toMatch(/Bob Babbage: resolved blocker: Mirror is down — mirror back/);
    hook(dir, 'SessionEnd', 'ada-1', { reason: 'exit' });

    // Nothing new since: no section. Then a new conversation adopts the session and hears Bob's next finding only.
    expect(contextOf(hook(dir, 'SessionStart', 'ada-1', { source: 'resume' }))).not.toContain('## Since you were last here');
    hook(dir, 'SessionEnd', 'ada-1', { reason: 'exit' });
    ok(dir, ['log', '--session', 'build', '--discovery', 'The cache key ignores the lockfile'], { env: bob });
    ok(dir, ['close', '--session', 'build', '--complete'], { env: bob }); // else the newest active session, which a new conversation would adopt
    const adopted = contextOf(hook(dir, 'SessionStart', 'ada-2', { source: 'startup' }));
    expect(adopted).toContain('Porting the lexer');
    const later = adopted.slice(adopted.indexOf('## Since you were last here'));
    expect(later).toMatch(/discovery: The cache key ignores the lockfile/);
    expect(later).not.toContain('Pin the toolchain');
  });
});
