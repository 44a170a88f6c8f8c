/**
 * What each face adds around an operation's request, and must not lose: the
 * command line's `-` for stdin on every text field that had it, the HTTP
 * X-Session-ID counting as the request's session, an empty session refused
 * rather than taken for "the current one".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, run } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';
import { request, serve, type Served } from '../helpers/serve.js';

describe('the command line reads `-` from stdin on every text field', () => {
  it('--resolve - and --supersedes - take the blocker and the decision from stdin', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'stdin']);
    ok(dir, ['log', '--blocker', 'the flaky disk', '--decision', 'use ext4']);
    ok(dir, ['log', '--resolve', '-', '--note', 'replaced it'], { input: 'flaky disk\n' });
    ok(dir, ['log', '--decision', 'use xfs', '--supersedes', '-'], { input: '1\n' });
    const view = JSON.parse(ok(dir, ['view', '--json'])) as { session: { blockers: Array<{ resolvedAt?: string }>; decisions: Array<{ text: string; supersededBy?: string }> } };
    expect(view.session.blockers[0]!.resolvedAt).toBeTruthy();
    expect(view.session.decisions.find((d) => d.text === 'use ext4')!.supersededBy).toBeTruthy();
    const empty = run(dir, ['log', '--progress', '-'], { input: '' });
    expect([empty.code, empty.stderr]).toEqual([1, expect.stringContaining('expected text on stdin')]);
  });
});

describe('HTTP: the session of a write', () => {
  let dir: string;
  let s: Served;
  beforeAll(async () => {
    dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'one', '--name', 'one', '--group', 'g']);
    s = await serve(dir);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('an empty session is refused, not taken for the current one', async () => {
    const r = await request(s, 'POST', '/api/log', { body: { progress: 'x', session: '' } });
    expect([r.status, r.json.error.message]).toEqual([400, expect.stringContaining('session: must not be empty')]);
    expect(JSON.parse(ok(dir, ['view', 'one', '--json'])).events.map((e: { type: string }) => e.type)).not.toContain('progress');
  });

  it('X-Session-ID with a group is two things to act on, refused as in the body', async () => {
    const r = await request(s, 'POST', '/api/pause', { body: { group: 'g' }, headers: { 'X-Session-ID': 'one' } });
    expect([r.status, r.json.error.message]).toEqual([400, expect.stringMatching(/group and session name different things/)]);
    expect(JSON.parse(ok(dir, ['view', 'one', '--json'])).session.status).toBe('active');
  });
});
