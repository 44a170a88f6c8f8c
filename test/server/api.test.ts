/**
 * `logbook serve` against a real listening server (the built CLI as a child
 * process): seed 004's one session across API, CLI and MCP; every error
 * status; the live stream (CLI appends, a plain `git fetch`, reconnects);
 * the door (token, Host, Origin, read-only, size); the generated OpenAPI.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import os from 'node:os';
import { BIN, ok, run } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';
import { request, serve, serveEnv, sse, type Served } from '../helpers/serve.js';
import { logOperation } from '../../src/operations/requests.js';

function journalRepo(): string {
  const dir = makeRepo();
  ok(dir, ['init']);
  return dir;
}

describe('logbook serve: seed 004, one session across API, CLI and MCP', () => {
  let dir: string;
  let s: Served;
  beforeAll(async () => {
    dir = journalRepo();
    s = await serve(dir);
  });
  afterAll(() => s.stop());

  it('starts over HTTP, continues from the CLI, completes over MCP: one session holding all three channels’ events', async () => {
    const stream = sse(s);
    await stream.opened;
    const started = await request(s, 'POST', '/api/sessions', { body: { goal: 'Process the order batch', name: 'order-batch', tasks: ['7'] } });
    expect(started.status).toBe(201);
    const id: string = started.json.session.id;
    expect(started.json.session.meta).toEqual({ channel: 'api' });

    // X-Session-ID takes any SPEC 4 reference: here the short name.
    const logged = await request(s, 'POST', '/api/log', { body: { progress: 'step 1: validate input', decision: 'Validate before queueing', rationale: 'bad rows are cheaper to reject early' }, headers: { 'X-Session-ID': 'order-batch' } });
    expect(logged.status).toBe(201);
    expect(logged.json.events.map((e: { type: string }) => e.type)).toEqual(['progress', 'decision']);

    ok(dir, ['log', '--session', id.slice(-4), '--done', 'step 1: validate input', '--progress', 'step 2: enqueue']);

    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(serveEnv())) if (v !== undefined) base[k] = v;
    const client = new Client({ name: 'seed-004-mcp', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, env: base, stderr: 'pipe' }));
    try {
      const closed = (await client.callTool({ name: 'close', arguments: { outcome: 'completed', summary: 'batch processed', session: `s_${id.slice(-4)}` } })) as { isError?: boolean; content: Array<{ text: string }> };
      expect(closed.isError, closed.content[0]?.text).toBeFalsy();
    } finally {
      await client.close();
    }

    const view = await request(s, 'GET', `/api/sessions/${id}`);
    expect(view.status).toBe(200);
    expect(view.json.session.status).toBe('completed');
    const byChannel = view.json.events.map((e: { type: string; actor: { agent?: string } }) => `${e.actor.agent ?? 'cli'}:${e.type}`);
    expect(byChannel).toEqual(['http:session.started', 'http:item.linked', 'http:progress', 'http:decision', 'cli:progress', 'cli:progress', 'seed-004-mcp:session.closed', 'seed-004-mcp:item.linked']);
    // The same view as the CLI's `view --json`.
    expect(JSON.parse(ok(dir, ['view', id, '--json']))).toEqual(view.json);
    // And the stream delivered every one of them, whoever wrote it.
    const delivered = await stream.until((evs) => evs.filter((e) => e.event.session === id).length === 8, 'the session’s 8 events');
    expect(delivered.filter((e) => e.event.session === id).map((e) => e.event.id)).toEqual(view.json.events.map((e: { id: string }) => e.id));
    stream.close();
  });

  it('answers each read endpoint with the CLI’s JSON', async () => {
    const list = await request(s, 'GET', '/api/sessions');
    expect(list.json).toEqual(JSON.parse(ok(dir, ['list', '--json'])).map((x: Record<string, unknown>) => ({ ...x, stale: x.stale })));
    expect((await request(s, 'GET', '/api/items')).json).toEqual(JSON.parse(ok(dir, ['items', '--json'])));
    expect((await request(s, 'GET', '/api/items/task%3A7')).json).toEqual(JSON.parse(ok(dir, ['item', 'task:7', '--json'])));
    expect((await request(s, 'GET', '/api/agenda')).json).toEqual(JSON.parse(ok(dir, ['agenda', '--all', '--json'])));
    expect((await request(s, 'GET', '/api/state')).json).toEqual(JSON.parse(ok(dir, ['state', '--json'])));
    const stats = (await request(s, 'GET', '/api/stats')).json;
    expect({ ...stats, as_of: null }).toEqual({ ...JSON.parse(ok(dir, ['stats', '--json'])), as_of: null });
    const id = list.json[0].id;
    const resume = await request(s, 'GET', `/api/sessions/${id}/resume?budget=2000`);
    expect(resume.status).toBe(200);
    expect(resume.json.context).toContain('Process the order batch');
    expect(resume.json.context.length).toBeLessThanOrEqual(2000);
  });

  it('GET /api/stats?group=G is `stats --group G --json` (an unknown group a 404); an unknown status on /api/sessions is a 400, not an empty list', async () => {
    ok(dir, ['start', '--goal', 'grouped one', '--group', 'wave']);
    ok(dir, ['start', '--goal', 'grouped two', '--group', 'wave']);
    const grouped = (await request(s, 'GET', '/api/stats?group=wave')).json;
    expect({ ...grouped, as_of: null }).toEqual({ ...JSON.parse(ok(dir, ['stats', '--group', 'wave', '--json'])), as_of: null });
    expect([grouped.group, grouped.total]).toEqual(['wave', 2]);
    const noGroup = await request(s, 'GET', '/api/stats?group=nope');
    expect([noGroup.status, noGroup.json.error.message, noGroup.json.error.hint]).toEqual([404, 'no session was started in group nope', expect.stringContaining('wave')]);
    const bad = await request(s, 'GET', '/api/sessions?status=bogus');
    expect([bad.status, bad.json.error.code, bad.json.error.message]).toEqual([400, 'INVALID_INPUT', expect.stringContaining('got "bogus"')]);
    expect((await request(s, 'GET', '/api/sessions?status=open')).status).toBe(200);
  });

  it('takes a blocker or decision number as JSON writes it: {"resolve": 1} is --resolve 1', async () => {
    const id = JSON.parse(ok(dir, ['start', '--goal', 'numbers', '--name', 'numbers', '--json'])).id;
    const h = { 'X-Session-ID': 'numbers' };
    expect((await request(s, 'POST', '/api/log', { body: { blocker: ['CI is red', 'docs missing'], decision: 'Use a queue' }, headers: h })).status).toBe(201);
    const resolved = await request(s, 'POST', '/api/log', { body: { resolve: 2, note: 'docs arrived' }, headers: h });
    expect(resolved.status).toBe(201);
    const superseding = await request(s, 'POST', '/api/log', { body: { decision: 'Use a stream', supersedes: 1 }, headers: h });
    expect(superseding.status).toBe(201);
    const view = JSON.parse(ok(dir, ['view', id, '--json']));
    const byType = (t: string) => view.events.filter((e: { type: string }) => e.type === t);
    expect(byType('blocker.resolved')[0].data.blocker).toBe(byType('blocker')[1].id);
    expect(byType('decision')[1].data.supersedes).toBe(byType('decision')[0].id);
    // Resolving it again is the CLI's error, over HTTP.
    expect((await request(s, 'POST', '/api/log', { body: { resolve: 2 }, headers: h })).status).toBe(409);
  });

  it('lists events after an id in delivery order', async () => {
    const all = (await request(s, 'GET', '/api/events')).json;
    expect(all.events.length).toBeGreaterThanOrEqual(8);
    const after = (await request(s, 'GET', `/api/events?after=${all.events[2].id}&limit=3`)).json;
    expect(after.events.map((e: { id: string }) => e.id)).toEqual(all.events.slice(3, 6).map((e: { id: string }) => e.id));
    expect(after.more).toBe(true);
  });

  it('seed 004 as written: the client picks X-Session-ID when it starts, and the CLI and MCP reach the session by it', async () => {
    const h = { 'X-Session-ID': 'session-123' };
    const started = await request(s, 'POST', '/api/sessions', { body: { goal: 'multi-step process' }, headers: h });
    expect(started.status).toBe(201);
    expect(started.json.session.shortname).toBe('session-123');
    expect((await request(s, 'POST', '/api/log', { body: { progress: 'step 1' }, headers: h })).status).toBe(201);
    ok(dir, ['log', '--session', 'session-123', '--progress', 'step 2']);
    const client = new Client({ name: 'seed-004-mcp', version: '1.0.0' });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(serveEnv())) if (v !== undefined) env[k] = v;
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, env, stderr: 'pipe' }));
    try {
      const closed = (await client.callTool({ name: 'close', arguments: { outcome: 'completed', session: 'session-123' } })) as { isError?: boolean; content: Array<{ text: string }> };
      expect(closed.isError, closed.content[0]?.text).toBeFalsy();
    } finally {
      await client.close();
    }
    const view = (await request(s, 'GET', `/api/sessions/${started.json.session.id}`)).json;
    expect(view.session.status).toBe('completed');
    expect(view.events.map((e: { type: string; data: { text?: string } }) => e.data.text ?? e.type)).toEqual(['session.started', 'step 1', 'step 2', 'session.closed']);
    // Starting it again while it is open is refused; a header that is no short name, or disagrees with the body's name, says so.
    const again = await request(s, 'POST', '/api/sessions', { body: { goal: 'again' }, headers: { 'X-Session-ID': 'order-batch-2' } });
    expect(again.status).toBe(201);
    const taken = await request(s, 'POST', '/api/sessions', { body: { goal: 'again' }, headers: { 'X-Session-ID': 'order-batch-2' } });
    expect([taken.status, taken.json.error.message]).toEqual([409, expect.stringContaining('taken')]);
    // So is a body's name an open session holds.
    expect((await request(s, 'POST', '/api/sessions', { body: { goal: 'again', name: 'order-batch-2' } })).status).toBe(409);
    const cased = await request(s, 'POST', '/api/sessions', { body: { goal: 'x' }, headers: { 'X-Session-ID': 'Session_9' } });
    expect([cased.status, cased.json.error.hint]).toEqual([400, expect.stringContaining('session-9')]);
    const both = await request(s, 'POST', '/api/sessions', { body: { goal: 'x', name: 'other' }, headers: { 'X-Session-ID': 'session-9' } });
    expect([both.status, both.json.error.code]).toEqual([400, 'INVALID_INPUT']);
    expect((await request(s, 'GET', '/api/sessions')).json.filter((x: { goal: string }) => x.goal === 'x')).toEqual([]);
  });
});

describe('logbook serve: error statuses', () => {
  let dir: string;
  let s: Served;
  let id: string;
  beforeAll(async () => {
    dir = journalRepo();
    id = JSON.parse(ok(dir, ['start', '--goal', 'errors', '--json'])).id;
    s = await serve(dir);
  });
  afterAll(() => s.stop());

  const code = (r: { json: { error: { code: string; message: string; hint?: string } } }) => r.json.error.code;

  it('400: malformed JSON, a wrong field, an unknown field, nothing to log, wrong content type', async () => {
    const bad = await request(s, 'POST', '/api/log', { raw: '{"progress": ' });
    expect([bad.status, code(bad)]).toEqual([400, 'INVALID_INPUT']);
    expect(bad.json.error.hint).toBeTruthy();
    const wrong = await request(s, 'POST', '/api/log', { body: { progress: 42 } });
    expect([wrong.status, wrong.json.error.message]).toEqual([400, 'invalid log body: progress: must be a string or an array of strings']);
    const zero = await request(s, 'POST', '/api/log', { body: { resolve: 0 } });
    expect([zero.status, zero.json.error.message]).toEqual([400, expect.stringContaining('resolve: must be a number (#2: 2), an id, or text')]);
    const unknown = await request(s, 'POST', '/api/log', { body: { progres: 'typo' } });
    expect([unknown.status, unknown.json.error.message]).toEqual([400, expect.stringContaining('progres')]);
    const nothing = await request(s, 'POST', '/api/log', { body: {} });
    expect([nothing.status, nothing.json.error.message]).toEqual([400, 'nothing to log']);
    // The API's words, not the CLI's flags: `reason`, not --reason.
    const noReason = await request(s, 'POST', '/api/close', { body: { outcome: 'abandoned' } });
    expect([noReason.status, noReason.json.error.message]).toEqual([400, expect.stringContaining('outcome "abandoned" needs reason')]);
    expect(noReason.json.error.message).not.toContain('--');
    const link = await request(s, 'POST', '/api/link', { body: { key: 'no-colon' } });
    expect(link.status).toBe(400);
    const form = await request(s, 'POST', '/api/log', { raw: 'progress=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(400);
    const budget = await request(s, 'GET', `/api/sessions/${id}/resume?budget=5`);
    expect(budget.status).toBe(400);
  });

  it('401: no token, a wrong token, a token in an API URL', async () => {
    const none = await request(s, 'GET', '/api/sessions', { auth: false });
    expect([none.status, code(none)]).toEqual([401, 'UNAUTHORIZED']);
    const wrong = await request(s, 'GET', '/api/sessions', { auth: false, headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const inUrl = await request(s, 'GET', `/api/sessions?token=${s.token}`, { auth: false });
    expect(inUrl.status).toBe(401);
    // The right token in the wrong place is not called wrong: the answer says where it goes.
    expect(inUrl.json.error.message).not.toContain('wrong');
    expect(inUrl.json.error.message).toContain('Authorization: Bearer');
    expect(wrong.json.error.message).toBe('wrong access token');
    const page = await request(s, 'GET', '/', { auth: false });
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('403: a foreign Host (DNS rebinding), a foreign Origin on a write', async () => {
    const host = await request(s, 'GET', '/api/sessions', { headers: { Host: 'attacker.example' } });
    expect([host.status, code(host)]).toEqual([403, 'FORBIDDEN_HOST']);
    const hostPort = await request(s, 'GET', '/api/sessions', { headers: { Host: `127.0.0.1:${s.port + 1}` } });
    expect(hostPort.status).toBe(403);
    expect((await request(s, 'GET', '/api/sessions', { headers: { Host: `localhost:${s.port}` } })).status).toBe(200);
    const origin = await request(s, 'POST', '/api/log', { body: { progress: 'csrf' }, headers: { Origin: 'http://attacker.example' } });
    expect([origin.status, code(origin)]).toEqual([403, 'FORBIDDEN_ORIGIN']);
    const site = await request(s, 'POST', '/api/log', { body: { progress: 'csrf' }, headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(site.status).toBe(403);
    const own = await request(s, 'POST', '/api/log', { body: { progress: 'from our own page' }, headers: { Origin: s.url } });
    expect(own.status).toBe(201);
    const view = JSON.parse(ok(dir, ['view', id, '--json'])) as { events: Array<{ data: { text?: string } }> };
    expect(view.events.some((e) => e.data.text === 'csrf')).toBe(false);
  });

  it('GET /api/items/{KEY} takes a file item’s key as typed, slashes and all (as the item page does)', async () => {
    ok(dir, ['link', 'file:src/parser/pratt.ts', '--session', id, '--action', 'updated']);
    const typed = await request(s, 'GET', '/api/items/file:src/parser/pratt.ts');
    expect([typed.status, typed.json.key]).toEqual([200, 'file:src/parser/pratt.ts']);
    expect((await request(s, 'GET', '/api/items/file%3Asrc%2Fparser%2Fpratt.ts')).json).toEqual(typed.json);
    expect(code(await request(s, 'GET', '/api/items/file:src/nope.ts'))).toBe('UNKNOWN_ITEM');
    // Only the item's key takes the rest of the path.
    expect(code(await request(s, 'GET', '/api/sessions/a/b'))).toBe('NOT_FOUND');
  });

  it('404: unknown session, item, event, endpoint, repository', async () => {
    const session = await request(s, 'GET', '/api/sessions/zzzz');
    expect([session.status, code(session)]).toEqual([404, 'UNKNOWN_SESSION']);
    const header = await request(s, 'POST', '/api/log', { body: { progress: 'x' }, headers: { 'X-Session-ID': 'nosuch' } });
    expect([header.status, code(header)]).toEqual([404, 'UNKNOWN_SESSION']);
    expect(code(await request(s, 'GET', '/api/items/task%3Anope'))).toBe('UNKNOWN_ITEM');
    expect((await request(s, 'GET', '/api/items/task%3Anope')).status).toBe(404);
    expect((await request(s, 'GET', '/api/events?after=01ZZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    expect((await request(s, 'GET', '/api/nothing')).status).toBe(404);
    expect((await request(s, 'GET', '/api/repos/other/sessions')).status).toBe(404);
    expect((await request(s, 'GET', '/sessions/zzzz')).status).toBe(404);
    // An error page quotes what was asked for, escaped.
    const page = await request(s, 'GET', '/sessions/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&lt;script&gt;');
  });

  it('409: writing to a closed session, pausing a paused one', async () => {
    const other = JSON.parse(ok(dir, ['start', '--goal', 'to pause', '--json'])).id;
    expect((await request(s, 'POST', '/api/pause', { body: { note: 'lunch' }, headers: { 'X-Session-ID': other } })).status).toBe(201);
    const again = await request(s, 'POST', '/api/pause', { body: {}, headers: { 'X-Session-ID': other } });
    expect([again.status, code(again)]).toEqual([409, 'SESSION_STATE']);
    const closed = JSON.parse(ok(dir, ['start', '--goal', 'to close', '--json'])).id;
    expect((await request(s, 'POST', '/api/close', { body: { outcome: 'abandoned', reason: 'not needed', session: closed } })).status).toBe(201);
    const late = await request(s, 'POST', '/api/log', { body: { progress: 'too late' }, headers: { 'X-Session-ID': closed } });
    expect([late.status, code(late)]).toEqual([409, 'SESSION_STATE']);
  });

  it('413: a body over the limit, and one text over the entry limit; nothing is written', async () => {
    const before = (await request(s, 'GET', `/api/sessions/${id}`)).json.events.length;
    const huge = await request(s, 'POST', '/api/log', { raw: JSON.stringify({ progress: 'x'.repeat(300 * 1024) }) });
    expect([huge.status, code(huge)]).toEqual([413, 'TOO_LARGE']);
    const long = await request(s, 'POST', '/api/log', { body: { progress: 'y'.repeat(70 * 1024) }, headers: { 'X-Session-ID': id } });
    expect(long.status).toBe(413);
    expect((await request(s, 'GET', `/api/sessions/${id}`)).json.events.length).toBe(before);
  });

  it('405 for a wrong method; search answers as `logbook search --json` does, and a bad filter is a 400', async () => {
    expect((await request(s, 'DELETE', '/api/log')).status).toBe(405);
    const search = await request(s, 'GET', '/api/search?q=errors');
    expect(search.status).toBe(200);
    expect(search.json).toEqual(JSON.parse(ok(dir, ['search', 'errors', '--json'])));
    expect(search.json.total).toBeGreaterThan(0);
    const typed = await request(s, 'GET', '/api/search?q=errors&type=session.started&limit=1');
    expect(typed.json.hits.map((h: { type: string }) => h.type)).toEqual(['session.started']);
    const bad = await request(s, 'GET', '/api/search?q=errors&limit=zero');
    expect([bad.status, code(bad)]).toEqual([400, 'INVALID_INPUT']);
  });

  it('answers the browser’s /favicon.ico with 204, so no page logs a failed request in the console', async () => {
    const icon = await request(s, 'GET', '/favicon.ico', { auth: false });
    expect([icon.status, icon.text]).toEqual([204, '']);
    // Nothing else opens without the token.
    expect((await request(s, 'GET', '/favicon.ico/x', { auth: false })).status).toBe(401);
    expect((await request(s, 'POST', '/favicon.ico', { auth: false })).status).toBe(401);
  });

  it('never sends CORS headers', async () => {
    const r = await request(s, 'GET', '/api/sessions', { headers: { Origin: 'http://attacker.example' } });
    expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const pre = await request(s, 'OPTIONS', '/api/log', { headers: { Origin: 'http://attacker.example', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.status).not.toBe(204);
    expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('redacts text exactly as the CLI does', async () => {
    const secret = `deploy with ghp_${'a1B2c3D4e5'.repeat(4)} now`;
    const http = await request(s, 'POST', '/api/log', { body: { progress: secret }, headers: { 'X-Session-ID': id } });
    expect(http.status).toBe(201);
    const cli = JSON.parse(ok(dir, ['log', '--session', id, '--progress', secret, '--json'])) as Array<{ data: { text: string } }>;
    expect(http.json.events[0].data.text).toBe(cli[0]!.data.text);
    expect(http.json.events[0].data.text).not.toContain('ghp_');
  });

  it('an error never echoes a secret from the request (an unknown field named after one, a session reference holding one)', async () => {
    const secret = 'Tr0ub4dor.Hx9q';
    const unknown = await request(s, 'POST', '/api/log', { body: { progress: 'x', [`db_password=${secret}`]: '1' }, headers: { 'X-Session-ID': id } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('db_password=[redacted:password]');
    const noSession = await request(s, 'POST', '/api/log', { body: { progress: 'x' }, headers: { 'X-Session-ID': `password=${secret}` } });
    expect(noSession.status).toBe(404);
    for (const r of [unknown, noSession]) expect(JSON.stringify(r.json)).not.toContain(secret);
  });
});

describe('logbook serve: the door', () => {
  it('trades ?token= on a page for an HttpOnly SameSite=Strict cookie, which then opens pages and the API', async () => {
    const dir = journalRepo();
    const s = await serve(dir);
    try {
      const first = await request(s, 'GET', `/?token=${s.token}`, { auth: false });
      expect(first.status).toBe(303);
      expect(first.headers.location).toBe('/');
      const cookie = String(first.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const pair = cookie.split(';')[0]!;
      const page = await request(s, 'GET', '/', { auth: false, headers: { Cookie: pair } });
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect((await request(s, 'GET', '/api/sessions', { auth: false, headers: { Cookie: pair } })).status).toBe(200);
      expect((await request(s, 'GET', '/api/sessions', { auth: false, headers: { Cookie: `${pair}x` } })).status).toBe(401);
      // The cookie does not let another site's page write: the browser sends its Origin.
      expect((await request(s, 'POST', '/api/log', { auth: false, body: { progress: 'x' }, headers: { Cookie: pair, Origin: 'http://evil.example' } })).status).toBe(403);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('--read-only refuses every write with 403 and still reads', async () => {
    const dir = journalRepo();
    ok(dir, ['start', '--goal', 'read only']);
    const s = await serve(dir, ['--read-only']);
    try {
      for (const [path, body] of [['/api/sessions', { goal: 'x' }], ['/api/log', { progress: 'x' }], ['/api/checkpoint', {}], ['/api/pause', {}], ['/api/close', { outcome: 'completed' }], ['/api/link', { key: 'task:1' }]] as const) {
        const r = await request(s, 'POST', path, { body });
        expect([path, r.status, r.json.error.code]).toEqual([path, 403, 'READ_ONLY']);
      }
      expect((await request(s, 'GET', '/api/sessions')).json).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });

  it('binds 127.0.0.1 by default and stops cleanly on SIGINT and SIGTERM', async () => {
    const dir = journalRepo();
    const s = await serve(dir);
    expect(new URL(s.openUrl).hostname).toBe('127.0.0.1');
    // Not reachable on this machine's other addresses.
    const outside = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (outside) {
      const refused = await new Promise<string>((resolve) => {
        const c = net.connect({ host: outside.address, port: s.port }, () => (c.destroy(), resolve('connected')));
        c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');
    }
    // A second server on the same port says so.
    const busy = run(dir, ['serve', '--port', String(s.port)]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`port ${s.port} is in use`);
    expect(s.openUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
    const stream = sse(s);
    await stream.opened; // an open stream must not keep the process alive
    expect(await s.stop()).toBe(0);
    const t = await serve(dir);
    const exited = new Promise((resolve) => t.child.on('exit', resolve));
    t.child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('serves a repository named twice (the same path, or a folder inside it) once', async () => {
    const a = journalRepo();
    const b = journalRepo();
    mkdirSync(path.join(a, 'src'));
    const s = await serve(a, ['--repo', a, '--repo', b, '--repo', `${a}/`, '--repo', path.join(a, 'src')]);
    try {
      const repos = (await request(s, 'GET', '/api/repos')).json.repos as Array<{ name: string; path: string }>;
      expect(repos.map((r) => r.path)).toEqual([a, b]);
    } finally {
      await s.stop();
    }
  });

  it('serves several repositories: /api/repos, and /api/repos/{NAME}/… for each', async () => {
    const a = journalRepo();
    const b = journalRepo();
    ok(a, ['start', '--goal', 'in a']);
    ok(b, ['start', '--goal', 'in b']);
    const s = await serve(a, ['--repo', a, '--repo', b]);
    try {
      const repos = (await request(s, 'GET', '/api/repos')).json.repos as Array<{ name: string; default: boolean }>;
      expect(repos).toHaveLength(2);
      expect(repos[0]!.default).toBe(true);
      const inB = (await request(s, 'GET', `/api/repos/${repos[1]!.name}/sessions`)).json;
      expect(inB.map((x: { title: string }) => x.title)).toEqual(['in b']);
      expect((await request(s, 'GET', '/api/sessions')).json.map((x: { title: string }) => x.title)).toEqual(['in a']);
      // A write to one repository lands there only, and the merged stream says which.
      const stream = sse(s);
      await stream.opened;
      expect((await request(s, 'POST', `/api/repos/${repos[1]!.name}/log`, { body: { progress: 'b only' } })).status).toBe(201);
      const got = await stream.until((evs) => evs.length === 1);
      expect(got[0]!.repo).toBe(repos[1]!.name);
      // Its id is a cursor over both repositories: a reconnect with it gets what either wrote since.
      expect(got[0]!.id.split(',')).toEqual([expect.stringMatching(new RegExp(`^${repos[0]!.name}=`)), `${repos[1]!.name}=${got[0]!.event.id}`]);
      stream.close();
      ok(a, ['log', '--progress', 'a while away']);
      ok(b, ['log', '--progress', 'b while away']);
      const again = sse(s, '/api/events/stream', got[0]!.id);
      await again.opened;
      const since = await again.until((evs) => evs.length === 2);
      expect(since.map((e) => `${e.repo}:${e.event.data.text}`)).toEqual([`${repos[0]!.name}:a while away`, `${repos[1]!.name}:b while away`]);
      again.close();
      const page = await request(s, 'GET', '/');
      expect(page.text).toContain('in a');
      expect(page.text).toContain('in b');
      stream.close();
    } finally {
      await s.stop();
    }
  });

  it('searches every repository it serves (SPEC 10): /api/search and /search say which repository each hit is from; a prefix narrows to one', async () => {
    const a = journalRepo();
    const b = journalRepo();
    ok(a, ['start', '--goal', 'sweeper in a', '--name', 'alpha']);
    ok(a, ['log', '--decision', 'Lock the sweeper index first']);
    ok(b, ['start', '--goal', 'sweeper in b', '--name', 'beta']);
    const s = await serve(a, ['--repo', a, '--repo', b]);
    try {
      const [ra, rb] = ((await request(s, 'GET', '/api/repos')).json.repos as Array<{ name: string }>).map((r) => r.name);
      const all = await request(s, 'GET', '/api/search?q=sweeper');
      expect(all.status).toBe(200);
      expect(all.json.total).toBe(3);
      expect(all.json.hits.map((h: { repo: string; session: { shortname: string } }) => `${h.repo}:${h.session.shortname}`).sort()).toEqual([`${ra}:alpha`, `${ra}:alpha`, `${rb}:beta`].sort());
      const limited = await request(s, 'GET', '/api/search?q=sweeper&limit=1');
      expect([limited.json.total, limited.json.hits.length]).toEqual([3, 1]);
      // A session filter is resolved in the repositories that have it.
      expect((await request(s, 'GET', '/api/search?q=sweeper&session=beta')).json.hits.map((h: { repo: string }) => h.repo)).toEqual([rb]);
      expect((await request(s, 'GET', '/api/search?q=sweeper&session=nosuch')).status).toBe(404);
      const onlyB = await request(s, 'GET', `/api/repos/${rb}/search?q=sweeper`);
      expect(onlyB.json.hits.map((h: { session: { shortname: string } }) => h.session.shortname)).toEqual(['beta']);
      const page = await request(s, 'GET', '/search?q=sweeper');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`href="/repos/${rb}/sessions/`);
      expect(page.text).toContain(`href="/repos/${ra}/sessions/`);
      expect(page.text).toMatch(/3 events match/);
    } finally {
      await s.stop();
    }
  });

  it('publishes an OpenAPI 3.1 document generated from the request schemas', async () => {
    const dir = journalRepo();
    const s = await serve(dir);
    try {
      const doc = (await request(s, 'GET', '/api/openapi.json')).json;
      expect(doc.openapi).toBe('3.1.0');
      for (const p of ['/api/sessions', '/api/sessions/{S}', '/api/sessions/{S}/resume', '/api/log', '/api/checkpoint', '/api/pause', '/api/close', '/api/link', '/api/agenda', '/api/items', '/api/items/{KEY}', '/api/stats', '/api/state', '/api/events', '/api/events/stream', '/api/search', '/api/repos', '/api/openapi.json']) {
        expect(doc.paths[p], p).toBeDefined();
      }
      const { $schema: _s, ...logSchema } = z.toJSONSchema(logOperation.request, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      expect(doc.paths['/api/log'].post.requestBody.content['application/json'].schema).toEqual(logSchema);
      expect(Object.keys(doc.paths['/api/log'].post.responses)).toEqual(['201', '400', '401', '403', '404', '409', '413']);
    } finally {
      await s.stop();
    }
  });
});

describe('logbook serve: the live stream', () => {
  it('delivers a CLI append, and events that arrive by a plain `git fetch`', async () => {
    const dir = journalRepo();
    const id = JSON.parse(ok(dir, ['start', '--goal', 'live', '--json'])).id;
    // Only the ref watchers: the safety-net tip check is off, so nothing but fs.watch can deliver these.
    const s = await serve(dir, [], { LOGBOOK_SERVE_TIP_CHECK_MS: '0' });
    try {
      const stream = sse(s);
      await stream.opened;
      ok(dir, ['log', '--progress', 'appended by the CLI']);
      const first = await stream.until((evs) => evs.some((e) => e.event.data.text === 'appended by the CLI'), 'the CLI append');
      expect(first.map((e) => e.event.session)).toEqual([id]);

      const other = journalRepo();
      ok(other, ['start', '--goal', 'on another clone']);
      ok(other, ['log', '--discovery', 'found elsewhere']);
      git(dir, 'fetch', '-q', other, 'refs/logbook/*:refs/logbook/*');
      const fetched = await stream.until((evs) => evs.some((e) => e.event.data.text === 'found elsewhere'), 'the fetched events');
      expect(fetched.map((e) => e.event.type)).toEqual(['progress', 'session.started', 'discovery']);
      // The views know them too, in the journal's order (they sort before ours: a lower clock).
      const theirs = fetched[1]!.event.session!;
      expect((await request(s, 'GET', `/api/sessions/${theirs}`)).json.events.map((e: { type: string }) => e.type)).toEqual(['session.started', 'discovery']);
      expect((await request(s, 'GET', `/api/sessions/${id}`)).json.events.map((e: { type: string }) => e.type)).toEqual(['session.started', 'progress']);
      ok(dir, ['log', '--progress', 'after the fetch']);
      await stream.until((evs) => evs.some((e) => e.event.data.text === 'after the fetch'), 'the next append');
      expect((await request(s, 'GET', `/api/sessions/${id}`)).json).toEqual(JSON.parse(ok(dir, ['view', id, '--json'])));
      stream.close();
    } finally {
      await s.stop();
    }
  });

  it('a reconnect with Last-Event-ID misses nothing and repeats nothing', async () => {
    const dir = journalRepo();
    ok(dir, ['start', '--goal', 'reconnect']);
    const s = await serve(dir, [], { LOGBOOK_SERVE_TIP_CHECK_MS: '0' });
    try {
      const a = sse(s);
      await a.opened;
      ok(dir, ['log', '--progress', 'one']);
      const [one] = await a.until((evs) => evs.length === 1);
      a.close();
      // Written while no one listens: by the CLI, and over HTTP.
      ok(dir, ['log', '--progress', 'two', '--decision', 'three']);
      await request(s, 'POST', '/api/log', { body: { next: 'four' } });
      const b = sse(s, '/api/events/stream', one!.id);
      await b.opened;
      ok(dir, ['log', '--blocker', 'five']);
      const resumed = await b.until((evs) => evs.length === 4);
      expect(resumed.map((e) => e.event.data.text)).toEqual(['two', 'three', 'four', 'five']);
      // Each message's id resumes right after it.
      const c = sse(s, '/api/events/stream', resumed[1]!.id);
      await c.opened;
      expect((await c.until((evs) => evs.length === 2)).map((e) => e.event.data.text)).toEqual(['four', 'five']);
      b.close();
      c.close();
    } finally {
      await s.stop();
    }
  });
});
