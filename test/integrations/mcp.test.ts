/**
 * `logbook mcp` driven by the SDK's own Client over stdio, the way Claude Code
 * or Codex talk to it: every tool, both resources, and the same sessions as the CLI.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ok } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const open: Client[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
});

async function connect(cwd: string, env: Record<string, string> = {}): Promise<{ client: Client; errors: Error[]; stderr: () => string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) base[k] = v;
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd, env: { ...base, GIT_CONFIG_NOSYSTEM: '1', ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'logbook-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  open.push(client);
  return { client, errors, stderr: () => stderr };
}

type CallResult = { content: Array<{ type: string; text: string }>; isError?: boolean; structuredContent?: Record<string, unknown> };

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  return (await client.callTool({ name, arguments: args })) as CallResult;
}

const textOf = (r: CallResult) => r.content.map((c) => c.text).join('\n');

function viewJson(dir: string, session?: string) {
  return JSON.parse(ok(dir, ['view', ...(session ? [session] : []), '--json'], { env: { LOGBOOK_CLIENT_SESSION: undefined } })) as {
    session: { id: string; status: string };
    events: Array<{ type: string; actor: { agent?: string }; data: Record<string, unknown> }>;
  };
}

describe('logbook mcp', () => {
  it('offers every tool and writes the same journal as the CLI', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const { client, errors, stderr } = await connect(dir);
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['checkpoint', 'close', 'link', 'list', 'log', 'pause', 'resume', 'search', 'show', 'start', 'view', 'why']);

    const started = await call(client, 'start', { goal: 'Speed up the importer', name: 'importer', tasks: ['T-7'] });
    expect(started.isError).toBeFalsy();
    const id = (started.structuredContent as { session: { id: string } }).session.id;
    expect(textOf(started)).toContain(id);

    const entries = [
      { kind: 'progress', text: 'Profiling the parser' },
      { kind: 'done', text: 'Reproduced the slowness' },
      { kind: 'decision', text: 'Stream the input', rationale: 'the files do not fit in memory' },
      { kind: 'discovery', text: 'JSON.parse dominates', evidence: 'flame graph' },
      { kind: 'blocker', text: 'No access to the prod dump' },
      { kind: 'next', text: 'Ask ops for the dump' },
    ];
    for (const entry of entries) {
      const logged = await call(client, 'log', entry);
      expect(logged.isError).toBeFalsy();
      expect(textOf(logged)).toContain('Logged 1 entry');
    }
    expect(textOf(await call(client, 'log', { kind: 'resolve', text: '1', note: 'ops sent it' }))).toContain('blocker.resolved');
    expect(textOf(await call(client, 'link', { key: 'file:src/importer.ts', action: 'updated', note: 'streaming' }))).toContain('file:src/importer.ts');
    expect((await call(client, 'checkpoint', { note: 'half way' })).isError).toBeFalsy();
    expect(textOf(await call(client, 'pause', { note: 'lunch' }))).toContain('Paused');
    expect(textOf(await call(client, 'log', { kind: 'resolve', text: '1' }))).toMatch(/blocker #1 of s_\w{4} \(No access to the prod dump\) was already resolved at /);
    // At a small budget the progress and blocker lines outlast the rest.
    const small = textOf(await call(client, 'resume', { budget: 500 }));
    expect(small.length).toBeLessThanOrEqual(500);
    for (const line of ['**Progress**: 1/3 steps complete', '**Current**: Profiling the parser (step 2)', '**Blocker**: None']) expect(small).toContain(line);
    const resumed = textOf(await call(client, 'resume'));
    expect(resumed).toContain('# Resume: Speed up the importer');
    expect(resumed).toContain('Stream the input');
    expect(textOf(await call(client, 'view'))).toContain('JSON.parse dominates');
    expect(textOf(await call(client, 'view', { section: 'decisions' }))).toContain('the files do not fit in memory');
    const listed = await call(client, 'list');
    expect(textOf(listed)).toContain('importer');
    expect((listed.structuredContent as { sessions: Array<{ id: string; status: string }> }).sessions).toEqual([expect.objectContaining({ id, status: 'active' })]);

    // The CLI sees it all, written with the MCP client's name as the agent.
    const v = viewJson(dir, id);
    expect(v.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['session.started', 'progress', 'decision', 'discovery', 'blocker', 'blocker.resolved', 'next', 'item.linked', 'session.checkpointed', 'session.paused', 'session.resumed']),
    );
    expect(v.events.every((e) => e.actor.agent === 'logbook-test')).toBe(true);

    // A tool error is a result the model can read, not a broken connection.
    const bad = await call(client, 'link', { key: 'not a key' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/must be of the form type:key \(task:42, file:src\/a\.ts\) at key/);
    const noReason = await call(client, 'close', { outcome: 'abandoned' });
    expect(noReason.isError).toBe(true);
    expect(textOf(noReason)).toMatch(/outcome "abandoned" needs `reason`/);
    expect(textOf(noReason)).not.toContain('--');

    const closed = await call(client, 'close', { outcome: 'completed', summary: 'Importer streams now', learnings: ['profile first'] });
    expect(textOf(closed)).toMatch(/^Session Completed: importer \(s_\w{4}\)\n {3}Duration: .+\n {3}Compactions: 0\n {3}Progress: 1\/3 steps\n/);
    expect(closed.structuredContent).toMatchObject({ outcome: 'completed', compactions: 0, steps: { done: 1, total: 3 }, decisions: 1, discoveries: 1, summary: 'Importer streams now' });
    expect(viewJson(dir, id).session.status).toBe('completed');
    expect(errors).toEqual([]);
    expect(stderr()).toBe('');
  });

  it('serves the resume context and every session file as resources', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'First', '--name', 'first']);
    ok(dir, ['close', '--complete']);
    ok(dir, ['start', '--goal', 'Second', '--name', 'second']);
    ok(dir, ['log', '--next', 'Write the docs']);
    const { client } = await connect(dir);
    const resume = await client.readResource({ uri: 'logbook://resume' });
    expect((resume.contents[0] as { text: string }).text).toContain('# Resume: Second');
    expect((resume.contents[0] as { text: string }).text).toContain('Write the docs');
    const listed = (await client.listResources()).resources;
    expect(listed.map((r) => r.uri)).toContain('logbook://resume');
    const files = listed.filter((r) => r.uri.startsWith('logbook://sessions/'));
    expect(files).toHaveLength(2);
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toEqual(['logbook://sessions/{id}']);
    for (const f of files) {
      const file = (await client.readResource({ uri: f.uri })).contents[0] as { text: string; mimeType?: string };
      expect(file.text).toMatch(/^---\nid: /);
      expect(file.mimeType).toBe('text/markdown');
    }
    const byShortname = (await client.readResource({ uri: 'logbook://sessions/first' })).contents[0] as { text: string };
    expect(byShortname.text).toContain('status: completed');
    await expect(client.readResource({ uri: 'logbook://sessions/nope' })).rejects.toMatchObject({ code: -32002 });
  });

  it('the view tool and the session resource show what `logbook view` shows: items, sections, events', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'Port the parser', '--name', 'parser']);
    ok(dir, ['link', 'task:T-9', '--note', 'the port']);
    ok(dir, ['log', '--progress', 'Read the grammar\u001b]0;pwned\u0007', '--decision', 'Keep the lexer', '--rationale', 'it is fast']);
    const cli = (args: string[]) => ok(dir, ['view', ...args], { env: { LOGBOOK_CLIENT_SESSION: undefined } });
    const { client } = await connect(dir);
    const whole = textOf(await call(client, 'view', {}));
    expect(whole).toBe(cli([]));
    expect(whole).toContain('task:T-9');
    expect(whole).not.toContain('\u001b');
    expect(textOf(await call(client, 'view', { section: 'progress' }))).toBe(cli(['--progress']));
    expect(textOf(await call(client, 'view', { section: 'decisions' }))).toBe(cli(['--decisions']));
    const json = (await call(client, 'view', { json: true })).structuredContent as { events: unknown[]; commits: unknown[] };
    const fromCli = viewJson(dir);
    expect(json.events).toEqual(fromCli.events);
    expect(json.commits).toEqual([]);
    const file = (await client.readResource({ uri: 'logbook://sessions/parser' })).contents[0] as { text: string };
    expect(file.text).toBe(whole);
  });

  it('continues a CLI session through MCP and an MCP session through the CLI', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'Started in the shell', '--name', 'shell']);
    const { client } = await connect(dir);
    await call(client, 'log', { kind: 'progress', text: 'continued over MCP' });
    expect(viewJson(dir, 'shell').events.some((e) => e.type === 'progress' && e.data.text === 'continued over MCP')).toBe(true);

    const started = await call(client, 'start', { goal: 'Started over MCP', name: 'mcp' });
    const id = (started.structuredContent as { session: { id: string } }).session.id;
    ok(dir, ['log', '--session', id, '--done', 'continued in the shell']);
    expect(textOf(await call(client, 'view', { section: 'progress' }))).toContain('continued in the shell');
    // The server keeps to the session it started even when told about others by reference.
    await call(client, 'log', { session: 'shell', kind: 'next', text: 'back to the shell session' });
    expect(viewJson(dir, 'shell').events.some((e) => e.type === 'next')).toBe(true);
    expect(viewJson(dir, id).events.some((e) => e.type === 'next')).toBe(false);
  });

  it('the list tool lists as `logbook list` does: newest first, --status stale, --group', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const first = JSON.parse(ok(dir, ['start', '--goal', 'first', '--group', 'wave', '--json'])).id as string;
    const second = JSON.parse(ok(dir, ['start', '--goal', 'second', '--json'])).id as string;
    const third = JSON.parse(ok(dir, ['start', '--goal', 'third', '--group', 'wave', '--json'])).id as string;
    // Every session is stale a millisecond after its last event: the listing is the same whatever the clock says.
    const { client } = await connect(dir, { LOGBOOK_STALE_AFTER: '1ms' });
    const ids = async (args: Record<string, unknown>) => {
      const r = await call(client, 'list', args);
      expect(r.isError, textOf(r)).toBeFalsy();
      return (r.structuredContent as { sessions: Array<{ id: string }> }).sessions.map((x) => x.id);
    };
    expect(await ids({})).toEqual([third, second, first]);
    expect(await ids({})).toEqual((JSON.parse(ok(dir, ['list', '--json'])) as Array<{ id: string }>).map((x) => x.id));
    expect(await ids({ group: 'wave' })).toEqual([third, first]);
    expect(await ids({ status: 'stale' })).toEqual([third, second, first]);
  });

  it('works before `logbook init` is run and reports the problem as a tool error', async () => {
    const dir = makeRepo();
    const { client } = await connect(dir);
    const r = await call(client, 'list');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('logbook init');
    ok(dir, ['init']);
    expect((await call(client, 'list')).isError).toBeFalsy();
  });

  it('the log tool marks what is required, and a wrong fill is an error naming the right field', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'Schemas', '--name', 'schemas']);
    const { client } = await connect(dir);
    const log = (await client.listTools()).tools.find((t) => t.name === 'log')!;
    const schema = log.inputSchema as { required?: string[]; properties: Record<string, { enum?: string[] }> };
    expect(schema.required).toEqual(['kind', 'text']);
    expect(schema.properties.kind!.enum).toEqual(['progress', 'done', 'decision', 'discovery', 'blocker', 'resolve', 'next']);
    expect(Object.keys(schema.properties).sort()).toEqual(['evidence', 'kind', 'note', 'options', 'rationale', 'session', 'step', 'supersedes', 'text']);
    // Every tool: a required field is one the tool cannot work without.
    const tools = Object.fromEntries((await client.listTools()).tools.map((t) => [t.name, ((t.inputSchema as { required?: string[] }).required ?? []).sort()]));
    expect(tools).toMatchObject({ log: ['kind', 'text'], link: ['key'], close: ['outcome'] });

    const refusal = async (args: Record<string, unknown>) => {
      const r = await call(client, 'log', args);
      expect(r.isError).toBe(true);
      return textOf(r).replace(/^MCP error -32602: Input validation error: Invalid arguments for tool log: /, '');
    };
    expect(await refusal({ progress: 'the CLI shape' })).toMatchInlineSnapshot(`
      "\`kind\` is required, one of "progress", "done", "decision", "discovery", "blocker", "resolve", "next": which kind of entry \`text\` is at kind
      \`text\` is required: the entry itself (for kind "resolve": the blocker number, id or words of it) at text
      \`progress\` is not a field: pass kind "progress" and put the entry in \`text\` at progress"
    `);
    expect(await refusal({ kind: 'decision', text: 'Use a queue', evidence: 'benchmarks' })).toMatchInlineSnapshot(`"\`evidence\` belongs to kind "discovery", not "decision"; a decision takes \`rationale\`, \`options\` and \`supersedes\` at evidence"`);
    expect(await refusal({ kind: 'blocker', text: 'CI is red', note: 'x' })).toMatchInlineSnapshot(`"\`note\` belongs to kind "resolve", not "blocker"; a blocker is just its \`text\` at note"`);
    // A value that is there but wrong is not called missing: the refusal names what was received.
    expect(await refusal({ kind: 'todo', text: 'x' })).toMatchInlineSnapshot(`"\`kind\` must be one of "progress", "done", "decision", "discovery", "blocker", "resolve", "next", got "todo" at kind"`);
    expect(await refusal({ kind: 'resolve', text: 2 })).toMatchInlineSnapshot(`"\`text\` must be a string, got number 2 (for kind "resolve" too: "2", not 2) at text"`);
    expect(await refusal({ kind: 'next', text: '' })).toContain('`text` must not be empty');
    expect(await refusal({ kind: 'next', text: 'x', colour: 'red' })).toContain('unknown field `colour`');
    // Nothing was written by any of them.
    expect(viewJson(dir).events.map((e) => e.type)).toEqual(['session.started']);
    expect((await call(client, 'log', { kind: 'decision', text: 'Use a queue', rationale: 'bursts', options: ['queue', 'poll'] })).isError).toBeFalsy();
    expect(viewJson(dir).events.at(-1)!.data).toEqual({ text: 'Use a queue', rationale: 'bursts', options: ['queue', 'poll'] });
    // A decision may replace an earlier one by its number, as `--supersedes 1` does.
    const replaced = await call(client, 'log', { kind: 'decision', text: 'Use a stream', supersedes: 1 });
    expect(replaced.isError).toBeFalsy();
    expect((replaced.structuredContent as { events: Array<{ data: { supersedes?: string } }> }).events[0]!.data.supersedes).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('a message to the MCP user, written in the README\'s actor form, is in the resume tool\'s context once', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'Inbox', '--name', 'inbox']);
    ok(dir, ['start', '--goal', 'Sender', '--name', 'sender'], { env: { LOGBOOK_ACTOR: 'Bob <bob@example.com>' } });
    ok(dir, ['message', 'send', '--session', 'sender', '--to', 'Ada Lovelace <ada@example.com>', 'the lexer is yours'], { env: { LOGBOOK_ACTOR: 'Bob <bob@example.com>' } });
    const { client } = await connect(dir);
    expect(textOf(await call(client, 'resume', { session: 'inbox' }))).toContain('the lexer is yours');
    expect(textOf(await call(client, 'resume', { session: 'inbox' }))).not.toContain('the lexer is yours');
  });
});
