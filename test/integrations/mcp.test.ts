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
    expect(tools).toEqual(['checkpoint', 'close', 'link', 'list', 'log', 'pause', 'resume', 'search', 'show', 'start', 'view']);

    const started = await call(client, 'start', { goal: 'Speed up the importer', name: 'importer', tasks: ['T-7'] });
    expect(started.isError).toBeFalsy();
    const id = (started.structuredContent as { session: { id: string } }).session.id;
    expect(textOf(started)).toContain(id);

    const logged = await call(client, 'log', {
      progress: 'Profiling the parser',
      done: 'Reproduced the slowness',
      decision: 'Stream the input',
      rationale: 'the files do not fit in memory',
      discovery: 'JSON.parse dominates',
      evidence: 'flame graph',
      blocker: 'No access to the prod dump',
      next: 'Ask ops for the dump',
    });
    expect(logged.isError).toBeFalsy();
    expect(textOf(logged)).toContain('Logged 6 entries');
    expect(textOf(await call(client, 'log', { resolve: '1', note: 'ops sent it' }))).toContain('blocker.resolved');
    expect(textOf(await call(client, 'link', { key: 'file:src/importer.ts', action: 'updated', note: 'streaming' }))).toContain('file:src/importer.ts');
    expect((await call(client, 'checkpoint', { note: 'half way' })).isError).toBeFalsy();
    expect(textOf(await call(client, 'pause', { note: 'lunch' }))).toContain('Paused');
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
    expect(textOf(bad)).toContain('hint:');
    const noReason = await call(client, 'close', { outcome: 'abandoned' });
    expect(noReason.isError).toBe(true);
    expect(textOf(noReason)).toMatch(/outcome "abandoned" needs `reason`/);
    expect(textOf(noReason)).not.toContain('--');

    const closed = await call(client, 'close', { outcome: 'completed', summary: 'Importer streams now', learnings: ['profile first'] });
    expect(textOf(closed)).toContain('completed');
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

  it('continues a CLI session through MCP and an MCP session through the CLI', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'Started in the shell', '--name', 'shell']);
    const { client } = await connect(dir);
    await call(client, 'log', { progress: 'continued over MCP' });
    expect(viewJson(dir, 'shell').events.some((e) => e.type === 'progress' && e.data.text === 'continued over MCP')).toBe(true);

    const started = await call(client, 'start', { goal: 'Started over MCP', name: 'mcp' });
    const id = (started.structuredContent as { session: { id: string } }).session.id;
    ok(dir, ['log', '--session', id, '--done', 'continued in the shell']);
    expect(textOf(await call(client, 'view', { section: 'progress' }))).toContain('continued in the shell');
    // The server keeps to the session it started even when told about others by reference.
    await call(client, 'log', { session: 'shell', next: 'back to the shell session' });
    expect(viewJson(dir, 'shell').events.some((e) => e.type === 'next')).toBe(true);
    expect(viewJson(dir, id).events.some((e) => e.type === 'next')).toBe(false);
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
});
