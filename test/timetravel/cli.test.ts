/**
 * `--at WHEN` and groups through the built CLI on a real repository: a view
 * as of a moment is the view that was printed at that moment (read back from
 * the git store's tip-keyed cache), and a group closes in one append.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, run } from '../helpers/cli.js';
import { git, makeRepo, readTree, tempDir } from '../helpers/repo.js';

const ENV = { LOGBOOK_CLIENT_SESSION: undefined, LOGBOOK_AGENT: undefined };
const lb = (dir: string, args: string[]) => ok(dir, args, { env: ENV });
const REF = (dir: string) => `refs/logbook/replicas/${git(dir, 'config', 'logbook.replica').trim()}`;
/** The view without the "As of" banner (two lines). */
const body = (text: string) => {
  expect(text.startsWith('> As of ')).toBe(true);
  return text.slice(text.indexOf('\n\n') + 2);
};

function initRepo(): string {
  const dir = makeRepo();
  lb(dir, ['init']);
  return dir;
}

describe('--at WHEN', () => {
  it('shows every view as it was printed at that moment, and says which moment at the top and in --json', () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Fix the login race', '--name', 'login', '--task', 'T-1']);
    lb(dir, ['log', '--progress', 'Write the lock', '--decision', 'Lock before check', '--rationale', 'the race is in the check', '--blocker', 'CI is down']);
    lb(dir, ['link', 'kb:node:locks', '--action', 'created']);
    lb(dir, ['state', 'set', '--focus', 'the login race']);
    lb(dir, ['checkpoint', '--note', 'lock written']);
    const then = ['view', 'agenda', 'items', 'item task:T-1', 'state', 'resume login --budget 4000'].map((c) => lb(dir, c.split(' ')));
    const out = tempDir();
    lb(dir, ['rebuild', '--out', path.join(out, 'then')]);
    const checkpoint = (JSON.parse(lb(dir, ['view', '--json'])) as { events: Array<{ id: string; type: string }> }).events.find((e) => e.type === 'session.checkpointed')!.id;

    lb(dir, ['log', '--resolve', '1', '--done', 'Write the lock', '--decision', 'Retry on conflict', '--next', 'Ship it']);
    lb(dir, ['state', 'set', '--focus', 'shipping']);
    lb(dir, ['link', 'task:T-1', '--action', 'updated', '--note', 'reviewed']);
    lb(dir, ['checkpoint', '--note', 'second']);

    for (const when of ['checkpoint:1', checkpoint, checkpoint.slice(0, 20).toLowerCase()]) {
      const now = ['view', 'agenda', 'items', 'item task:T-1', 'state', 'resume login --budget 4000'].map((c) => body(lb(dir, [...c.split(' '), '--at', when])));
      expect(now).toEqual(then);
    }
    lb(dir, ['rebuild', '--out', path.join(out, 'at'), '--at', 'checkpoint:1']);
    expect(readTree(path.join(out, 'at'))).toEqual(readTree(path.join(out, 'then')));
    expect(lb(dir, ['view', '--at', 'checkpoint:1']).split('\n')[0]).toMatch(/^> As of checkpoint 1 of s_\w{4}, \S+ \(event \w{26}\): the first \d+ events of the journal; later events are not shown\.$/);
    expect(lb(dir, ['view', '--at', 'checkpoint:2'])).toContain('Retry on conflict');

    const json = JSON.parse(lb(dir, ['view', '--at', 'checkpoint:1', '--json'])) as { moment: { kind: string; lastEvent: string; cut: number; total: number }; events: unknown[] };
    expect(json.moment).toMatchObject({ kind: 'checkpoint', lastEvent: checkpoint });
    expect(json.moment.cut).toBeLessThan(json.moment.total);
    expect(JSON.parse(lb(dir, ['stats', '--at', checkpoint, '--json']))).toMatchObject({ moment: { lastEvent: checkpoint }, total: 1, active: 1 });
    // Without --at the output is as it always was.
    expect(JSON.parse(lb(dir, ['stats', '--json'])).moment).toBeUndefined();
  });

  it('a past resume context writes nothing (no reopening, no message marked read)', () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Pause me', '--name', 'p']);
    lb(dir, ['message', 'send', '--to', 'p', 'read the spec']);
    lb(dir, ['checkpoint']);
    lb(dir, ['pause', '--note', 'lunch']);
    const tip = git(dir, 'rev-parse', REF(dir)).trim();
    const past = lb(dir, ['resume', 'p', '--at', 'checkpoint:1']);
    expect(past).toContain('read the spec');
    expect(past).toContain('· active ·');
    expect(git(dir, 'rev-parse', REF(dir)).trim()).toBe(tip);
  });

  it('refuses a WHEN it cannot read, with the accepted forms, and a session that did not exist yet', () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'One', '--name', 'one']);
    const first = (JSON.parse(lb(dir, ['view', '--json'])) as { events: Array<{ id: string }> }).events[0]!.id;
    lb(dir, ['start', '--goal', 'Two', '--name', 'two']);
    const bad = run(dir, ['view', '--at', 'last tuesday'], { env: ENV });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cannot read the moment "last tuesday"');
    expect(bad.stderr).toMatch(/hint: WHEN is an ISO date or time .* relative time .* event id .* checkpoint:N or compaction:N/);
    const early = run(dir, ['view', 'two', '--at', first], { env: ENV });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/session s_\w{4} \(two\) did not exist yet at event/);
    expect(run(dir, ['view', 'two', '--at', 'checkpoint:1'], { env: ENV }).stderr).toContain('has 0 checkpoints, so there is no checkpoint:1');
  });
});

describe('groups', () => {
  it('close --group closes every open session of the group in one append, and lists them; stats --group counts them', () => {
    const dir = initRepo();
    lb(dir, ['start', '--goal', 'Shard one', '--name', 'one', '--group', 'batch-7', '--task', 'B-1']);
    lb(dir, ['start', '--goal', 'Shard two', '--name', 'two', '--group', 'batch-7']);
    lb(dir, ['start', '--goal', 'Shard three', '--name', 'three', '--group', 'batch-7']);
    lb(dir, ['close', '--session', 'three', '--abandon', '--reason', 'merged into two']);
    lb(dir, ['start', '--goal', 'Elsewhere', '--name', 'other']);
    expect(lb(dir, ['list'])).toMatch(/one — Shard one {2}\[group batch-7\]/);
    expect(lb(dir, ['view', 'one'])).toContain('group: batch-7');

    const paused = lb(dir, ['pause', '--group', 'batch-7', '--note', 'waiting for data']);
    expect(paused).toMatch(/^Paused 2 session\(s\) of group batch-7:\n {2}s_\w{4} {2}(one|two)\n {2}s_\w{4} {2}(one|two)\n$/);

    const before = git(dir, 'rev-parse', REF(dir)).trim();
    const closed = lb(dir, ['close', '--group', 'batch-7', '--complete', '--summary', 'batch done']);
    expect(closed).toMatch(/^Completed 2 session\(s\) of group batch-7:\n/);
    const after = git(dir, 'rev-parse', REF(dir)).trim();
    // One append: the new commits sit in one run on the ref, written with one clock run and one timestamp.
    const added = git(dir, 'log', '--format=%s', `${before}..${after}`).trim().split('\n').reverse();
    expect(added).toEqual([expect.stringMatching(/^session\.closed\(s_\w{4}\): completed/), 'item.linked(' + added[1]!.slice(12, 18) + '): task:B-1 completed', expect.stringMatching(/^session\.closed\(s_\w{4}\): completed/)]);
    const events = (JSON.parse(lb(dir, ['list', '--json'])) as Array<{ shortname: string; status: string; group?: string }>);
    expect(events.filter((s) => s.group === 'batch-7').map((s) => `${s.shortname} ${s.status}`).sort()).toEqual(['one completed', 'three abandoned', 'two completed']);
    expect(events.find((s) => s.shortname === 'other')!.status).toBe('active');
    const views = ['one', 'two'].map((s) => JSON.parse(lb(dir, ['view', s, '--json'])) as { events: Array<{ type: string; at: string; clock: number }> });
    const closes = views.map((v) => v.events.find((e) => e.type === 'session.closed')!);
    expect(closes[0]!.at).toBe(closes[1]!.at);
    expect(Math.abs(closes[0]!.clock - closes[1]!.clock)).toBeLessThanOrEqual(2);

    const stats = JSON.parse(lb(dir, ['stats', '--group', 'batch-7', '--json'])) as { total: number; completed: number; abandoned: number; group: string };
    expect(stats).toMatchObject({ group: 'batch-7', total: 3, completed: 2, abandoned: 1 });

    const again = run(dir, ['close', '--group', 'batch-7', '--complete'], { env: ENV });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('group batch-7 has no open session');
    expect(git(dir, 'rev-parse', REF(dir)).trim()).toBe(after);
    const unknown = run(dir, ['pause', '--group', 'nope'], { env: ENV });
    expect(unknown.stderr).toContain('no session was started in group nope');
    const noStats = run(dir, ['stats', '--group', 'nope'], { env: ENV });
    expect([noStats.code, noStats.stdout]).toEqual([1, '']);
    expect(noStats.stderr).toContain('no session was started in group nope');
    expect(noStats.stderr).toContain('groups: batch-7');
    expect(run(dir, ['close', '--group', 'batch-7', '--abandon'], { env: ENV }).stderr).toContain('--abandon needs --reason');
    // --json with --group: the same shape for pause as for close.
    lb(dir, ['start', '--goal', 'Json one', '--group', 'json-g']);
    lb(dir, ['start', '--goal', 'Json two', '--group', 'json-g']);
    const pausedJson = JSON.parse(lb(dir, ['pause', '--group', 'json-g', '--json'])) as { group: string; sessions: string[]; skipped: string[]; events: unknown[] };
    expect([pausedJson.group, pausedJson.sessions.length, pausedJson.skipped, pausedJson.events.length]).toEqual(['json-g', 2, [], 2]);
    const closedJson = JSON.parse(lb(dir, ['close', '--group', 'json-g', '--complete', '--json'])) as { group: string; sessions: string[] };
    expect(closedJson.sessions.sort()).toEqual(pausedJson.sessions.sort());
  });
});
