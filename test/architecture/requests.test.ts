/**
 * One definition per operation: the CLI's flags (as `--help` shows them), the
 * MCP tools' input schemas (as a real MCP client lists them) and the HTTP
 * bodies of the OpenAPI document (from a real `logbook serve`) all agree with
 * the operation's request in src/operations/requests.ts — same fields, same
 * descriptions, same JSON schema.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as z from 'zod/mini';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_FREE_ENV, BIN, ok } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';
import { request, serve, type Served } from '../helpers/serve.js';
import { descriptionOf, kebab, spellingOf, type Operation } from '../../src/operations/request.js';
import { logEntryKinds, operations } from '../../src/operations/requests.js';

/** The operations the MCP server offers as tools (the others are the command line's). */
const MCP_TOOLS = ['start', 'log', 'checkpoint', 'pause', 'close', 'link', 'resume', 'search'] as const;

/** Flags the terminal adds to an operation's own (output form, the secret override), and per command (a listing mode). */
const TERMINAL_ONLY = new Set(['--json', '--allow-secret', '--help']);
const TERMINAL_EXTRA: Record<string, string[]> = { resume: ['--list'] };

/** What `logbook NAME --help` offers: its flags (with their help text) and its arguments. */
function cliFace(dir: string, name: string): { flags: Map<string, string>; args: string[] } {
  const help = ok(dir, [...name.split(' '), '--help'], { env: AGENT_FREE_ENV });
  const flags = new Map<string, string>();
  let last: string | undefined;
  for (const line of help.split('\n')) {
    const m = /^ {2}(?:-\w, )?(--[a-z-]+)(?: <[^>]+>)?\s+(.*)$/.exec(line);
    if (m) flags.set((last = m[1]!), m[2]!.trim());
    else if (last && /^ {10,}\S/.test(line)) flags.set(last, `${flags.get(last)} ${line.trim()}`);
    else last = undefined;
  }
  const usage = new RegExp(`^Usage: logbook ${name} \\[options\\](.*)$`, 'm').exec(help)?.[1] ?? '';
  return { flags, args: usage.trim().split(/\s+/).filter(Boolean) };
}

/** What the command line should offer for `op`'s request, derived from the fields' spellings. */
function expectedCli(op: Operation): { flags: Map<string, string | undefined>; args: string[] } {
  const flags = new Map<string, string | undefined>();
  const args: string[] = [];
  for (const [key, schema] of Object.entries(op.request.shape)) {
    const spelling = spellingOf(schema);
    if (spelling.positional) {
      args.push(spelling.positional);
      if (!spelling.alsoFlag) continue;
    }
    if (spelling.choiceFlags) {
      for (const flag of Object.keys(spelling.choiceFlags)) flags.set(`--${flag}`, undefined);
      continue;
    }
    flags.set(`--${spelling.flag ?? kebab(key)}`, descriptionOf(schema));
    if (spelling.commaAlias) flags.set(`--${spelling.commaAlias}`, undefined);
  }
  return { flags, args };
}

describe('every face of an operation is derived from its one request', () => {
  let dir: string;
  let client: Client;
  let served: Served;
  beforeAll(async () => {
    dir = makeRepo();
    ok(dir, ['init']);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) env[k] = v;
    client = new Client({ name: 'agreement-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, env: { ...env, GIT_CONFIG_NOSYSTEM: '1' } }));
    served = await serve(dir);
  });
  afterAll(async () => {
    await client?.close();
    await served?.stop();
  });

  it.each(Object.values(operations).map((op) => [op.name, op] as const))('%s: the CLI flags and arguments', (name, op) => {
    const seen = cliFace(dir, name);
    const want = expectedCli(op);
    const offered = [...seen.flags.keys()].filter((f) => !TERMINAL_ONLY.has(f) && !TERMINAL_EXTRA[name]?.includes(f));
    expect(offered.sort()).toEqual([...want.flags.keys()].sort());
    expect(seen.args).toEqual(want.args);
    // The help text of each flag is the field's description (plus what the terminal adds: "(repeatable)", "(- reads stdin)").
    for (const [flag, description] of want.flags) if (description) expect(seen.flags.get(flag), flag).toContain(description);
  });

  it('the MCP tools take exactly the requests, with the same descriptions and JSON schema', async () => {
    const tools = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
    for (const op of MCP_TOOLS.map((name) => operations[name]) as Operation[]) {
      const tool = tools.get(op.name);
      expect(tool, op.name).toBeDefined();
      const properties = tool!.inputSchema.properties as Record<string, { description?: string; enum?: string[] }>;
      if (op.name === 'log') {
        // One entry per call: `kind` names the entry field, `text` is its value; every other field is the request's own.
        expect(properties.kind!.enum).toEqual([...logEntryKinds]);
        for (const kind of logEntryKinds) expect(Object.keys(op.request.shape)).toContain(kind);
        // …and every field of the request that is not an entry kind is offered (none left out).
        expect(Object.keys(properties).sort()).toEqual(['kind', 'text', ...Object.keys(op.request.shape).filter((k) => !(logEntryKinds as readonly string[]).includes(k))].sort());
        for (const key of Object.keys(properties).filter((k) => k !== 'kind' && k !== 'text')) {
          expect(Object.keys(op.request.shape), key).toContain(key);
          expect(properties[key]!.description, key).toContain(descriptionOf(op.request.shape[key]!));
        }
        continue;
      }
      const { $schema: _drop, ...schema } = z.toJSONSchema(op.request, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      expect(Object.keys(properties).sort(), op.name).toEqual(Object.keys(op.request.shape).sort());
      expect(tool!.inputSchema, op.name).toMatchObject(schema);
    }
  });

  it('the OpenAPI document describes each HTTP body or query by the same request', async () => {
    const doc = (await request(served, 'GET', '/api/openapi.json')).json as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; parameters?: Array<{ name: string; in: string; description?: string }> }>> };
    const bodies: Record<string, string> = { start: '/api/sessions', log: '/api/log', checkpoint: '/api/checkpoint', pause: '/api/pause', close: '/api/close', link: '/api/link' };
    // Every write the API has is one of these (a new POST route must say which operation it is).
    const writes = Object.entries(doc.paths).filter(([, methods]) => methods.post).map(([p]) => p);
    expect(writes.sort()).toEqual(Object.values(bodies).sort());
    for (const [name, path] of Object.entries(bodies)) {
      const op = operations[name as keyof typeof operations];
      const { $schema: _drop, ...schema } = z.toJSONSchema(op.request, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      expect(doc.paths[path]!.post!.requestBody!.content['application/json']!.schema, name).toEqual(schema);
    }
    const search = doc.paths['/api/search']!.get!.parameters!.filter((p) => p.in === 'query');
    expect(search.map((p) => p.name).sort()).toEqual(Object.entries(operations.search.request.shape).map(([k, f]) => spellingOf(f).param ?? k).sort());
    for (const p of search) expect(p.description).toBeTruthy();
  });
});
