/** The MCP `view` and `resume` tools take `at`, as the CLI takes `--at`: driven by the SDK's own client over stdio. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ok } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';

const open: Client[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
});

async function connect(cwd: string): Promise<Client> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) base[k] = v;
  const client = new Client({ name: 'logbook-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd, env: { ...base, GIT_CONFIG_NOSYSTEM: '1' }, stderr: 'pipe' }));
  open.push(client);
  return client;
}

type CallResult = { content: Array<{ type: string; text: string }>; isError?: boolean; structuredContent?: Record<string, unknown> };
const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallResult;
const textOf = (r: CallResult) => r.content.map((c) => c.text).join('\n');
const env = { env: { LOGBOOK_CLIENT_SESSION: undefined } };

describe('MCP view and resume with at', () => {
  it('show the session as of a checkpoint, say so, write nothing, and refuse a bad moment as a tool error', async () => {
    const dir = makeRepo();
    ok(dir, ['init'], env);
    ok(dir, ['start', '--goal', 'Port the parser', '--name', 'parser'], env);
    ok(dir, ['log', '--decision', 'Use nom', '--rationale', 'zero-copy'], env);
    ok(dir, ['checkpoint', '--note', 'grammar next'], env);
    const then = ok(dir, ['view', 'parser'], env);
    ok(dir, ['log', '--decision', 'Drop nom for a hand-written lexer'], env);
    ok(dir, ['pause'], env);
    const ref = `refs/logbook/replicas/${git(dir, 'config', 'logbook.replica').trim()}`;
    const tip = git(dir, 'rev-parse', ref).trim();
    const client = await connect(dir);

    const view = textOf(await call(client, 'view', { session: 'parser', at: 'checkpoint:1' }));
    expect(view).toMatch(/^> As of checkpoint 1 of s_\w{4}, /);
    expect(view.slice(view.indexOf('\n\n') + 2)).toBe(ok(dir, ['view', 'parser', '--at', 'checkpoint:1'], env).split('\n\n').slice(1).join('\n\n'));
    expect(view).not.toContain('hand-written');
    const json = await call(client, 'view', { session: 'parser', at: 'checkpoint:1', json: true });
    expect(json.structuredContent).toMatchObject({ moment: { kind: 'checkpoint' } });

    const resume = textOf(await call(client, 'resume', { session: 'parser', at: 'checkpoint:1' }));
    expect(resume).toContain('Use nom');
    expect(resume).not.toContain('hand-written');
    expect(resume).toContain('· active ·');
    // Read-only: the paused session stays paused.
    expect(git(dir, 'rev-parse', ref).trim()).toBe(tip);

    const bad = await call(client, 'view', { session: 'parser', at: 'soon' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('cannot read the moment "soon"');
    expect(then).toContain('Use nom');
  });
});
