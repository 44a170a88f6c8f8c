/**
 * Every path text takes into Logbook, end to end: argv, stdin, hook payloads
 * (compact summary, tool name and input, prompt, unparsable input), MCP
 * arguments, `--meta` records, and error messages. Each path gets its own
 * secret; none of them may reach a git object, any file under `.git/` (cache,
 * spool, hook state, hook-errors.log), stdout or stderr.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ok, run, type RunResult } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

// Tokens are assembled at run time so that this file does not itself look like a leak to scanners.
const j = (...parts: string[]) => parts.join('');

const secrets = {
  argv: 'Tr0ub4dor.Hx9q',
  stdin: 'Summer2024.Winter',
  compactSummary: 'A0ARrdaM8x7Yq2Lk',
  toolName: 'Ab3dEf.Gh5jK',
  toolInput: 'Pg5ecret.x9',
  prompt: j('ghp_', 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8'),
  hookError: 'H00kSecret.x1',
  mcpArg: 'Mcp5ecret.y2',
  mcpError: 'Mcp3rror.k7',
  itemKey: 'L1nkSecret.z3',
  commander: 'Cmdr5ecret.w4',
  metaValue: 'Xq7pL2mN9vR4tY6w',
  metaKey: j('AKIA', 'METAKEYSECRET001'),
};

const CLEAN = { CLAUDE_PROJECT_DIR: undefined, CLAUDE_ENV_FILE: undefined, CLAUDECODE: undefined, CODEX_ENV_FILE: undefined, CODEX_THREAD_ID: undefined, LOGBOOK_CLIENT_SESSION: undefined, LOGBOOK_NO_FAST_HOOK: undefined };

describe('a secret on any path', () => {
  let dir: string;
  const outputs: RunResult[] = [];
  const lb = (args: string[], input?: string) => {
    const r = run(dir, args, { env: CLEAN, ...(input === undefined ? {} : { input }) });
    outputs.push(r);
    return r;
  };
  const hook = (event: string, payload: Record<string, unknown> | string) =>
    lb(['hook', event], typeof payload === 'string' ? payload : JSON.stringify({ session_id: 'c1', transcript_path: '/tmp/t.jsonl', cwd: dir, hook_event_name: event, ...payload }));

  /** Every file under .git except the compressed object store, which `git cat-file` reads for us. */
  function gitFiles(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) {
          if (path.relative(path.join(dir, '.git'), p) !== 'objects') walk(p);
        } else out[path.relative(dir, p)] = readFileSync(p, 'latin1');
      }
    };
    walk(path.join(dir, '.git'));
    return out;
  }
  const allObjects = () => execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 28 });

  let mcpTexts: string[] = [];
  let mcpStderr = '';

  beforeAll(async () => {
    dir = makeRepo();
    ok(dir, ['init']);
    // argv and stdin
    expect(lb(['start', '--goal', `deploy with password=${secrets.argv}`, '--meta', `db_password=${secrets.metaValue}`, '--meta', `${secrets.metaKey}=x`]).code).toBe(0);
    expect(lb(['log', '--discovery', '-'], `the .env had DB_PASSWORD=${secrets.stdin}\n`).code).toBe(0);
    // hooks: tool name and input (spooled, then flushed), compaction summary, prompt, and input that is not JSON
    expect(hook('SessionStart', { source: 'startup' }).code).toBe(0);
    expect(hook('PostToolUse', { tool_name: `mcp__db__client_secret=${secrets.toolName}`, tool_input: { command: `PGPASSWORD=${secrets.toolInput} psql` }, tool_response: { success: true } }).code).toBe(0);
    const spool = Object.entries(gitFiles()).filter(([f]) => f.includes('spool'));
    expect(spool.length).toBeGreaterThan(0); // the spool is written before the flush, and checked below
    for (const [, text] of spool) expect(text).not.toContain(secrets.toolName);
    expect(hook('UserPromptSubmit', { prompt: `use ${secrets.prompt} please` }).code).toBe(0);
    expect(hook('PreCompact', { trigger: 'auto', custom_instructions: '' }).code).toBe(0);
    expect(hook('PostCompact', { trigger: 'auto', compact_summary: `We refreshed access_token=ya29.${secrets.compactSummary} and moved on.` }).code).toBe(0);
    expect(hook('Stop', {}).code).toBe(0);
    expect(hook('PostToolUse', `password=${secrets.hookError}`).code).toBe(0);
    // error messages: an item key, an unknown option commander echoes, a --meta pair
    expect(lb(['link', `password=${secrets.itemKey}`]).code).toBe(1);
    expect(lb(['log', `--password=${secrets.commander}`]).code).toBe(2);
    // MCP arguments and MCP errors
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) base[k] = v;
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, env: { ...base, GIT_CONFIG_NOSYSTEM: '1' }, stderr: 'pipe' });
    transport.stderr?.on('data', (d) => (mcpStderr += d));
    const client = new Client({ name: 'logbook-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const texts = async (name: string, args: Record<string, unknown>) => {
        const r = (await client.callTool({ name, arguments: args })) as { content: Array<{ text: string }>; isError?: boolean };
        mcpTexts.push(JSON.stringify(r));
        return r;
      };
      expect((await texts('log', { kind: 'decision', text: `keep "password": "${secrets.mcpArg}" in the vault`, rationale: 'rotated' })).isError).toBeFalsy();
      expect((await texts('link', { key: `not a key client_secret=${secrets.mcpError}` })).isError).toBe(true);
    } finally {
      await client.close();
    }
    mcpTexts = mcpTexts.filter(Boolean);
  }, 120_000);

  it('the journal saw every path (the scan looks where the text went)', () => {
    const objects = allObjects();
    for (const marker of ['[redacted:password]', '[redacted:google-oauth-token]', '[redacted:aws-access-key]']) expect(objects).toContain(marker);
    const v = JSON.parse(ok(dir, ['view', '--json'], { env: CLEAN })) as { events: Array<{ type: string; data: Record<string, unknown> }> };
    expect(v.events.find((e) => e.type === 'session.compacted' && e.data.summary)?.data.summary).toContain('access_token=[redacted:google-oauth-token]');
    expect(v.events.find((e) => e.type === 'decision')?.data.text).toContain('"password": "[redacted:password]"');
    expect(v.events.some((e) => e.type === 'tool.used' && String(e.data.tool).includes('[redacted:password]'))).toBe(true);
    expect(v.events.find((e) => e.type === 'session.started')?.data.meta).toEqual({ db_password: '[redacted:password]', '[redacted:aws-access-key]': 'x' });
    expect(readFileSync(path.join(dir, '.git/logbook/hook-errors.log'), 'utf8')).toContain('hook input is not JSON');
  });

  it.each(Object.entries(secrets))('%s: in no git object, no file under .git, no output', (_path, secret) => {
    expect(allObjects()).not.toContain(secret);
    for (const [file, text] of Object.entries(gitFiles())) expect(text, file).not.toContain(secret);
    for (const r of outputs) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    for (const t of mcpTexts) expect(t).not.toContain(secret);
    expect(mcpStderr).not.toContain(secret);
  });

  it('error messages still say what was wrong, with the secret replaced', () => {
    const linkError = outputs.find((r) => r.stderr.includes('must be of the form type:key'))!;
    expect(linkError.stderr).toContain('KEY: must be of the form type:key (task:42, file:src/a.ts), got "password=[redacted:password]"');
    expect(outputs.find((r) => r.code === 2)!.stderr).toContain("unknown option '--password=[redacted:password]'");
    // The MCP SDK refuses the key by its schema and names the field, without echoing the value.
    expect(mcpTexts.join('\n')).toContain('must be of the form type:key (task:42, file:src/a.ts) at key');
  });
});

describe('--meta', () => {
  it('a key over the 64 KiB limit is refused like a value, and nothing is written', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    const key = 'k'.repeat(70 * 1024);
    const r = run(dir, ['start', '--goal', 'x', '--meta', `${key}=v`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('one journal entry holds at most 64 KiB');
    expect(r.stderr.length).toBeLessThan(2000); // the field is named by its position, the key is not echoed
    expect(execFileSync('git', ['for-each-ref', 'refs/logbook/'], { cwd: dir, encoding: 'utf8' })).not.toContain('replicas/');
  });
});
