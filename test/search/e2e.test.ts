/**
 * `logbook search` and `logbook show` through the built CLI, in real
 * repositories: output, --json, filters, errors, the index kept current
 * across appends, a stock `git fetch` and a redaction, rebuilt silently when
 * damaged, and checked by `logbook doctor`. Then the MCP tools through the
 * SDK's real client.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ok, run } from '../helpers/cli.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';

interface Hit {
  id: string;
  type: string;
  session: { id: string; stable: string; shortname: string };
  at: string;
  actor: { name: string; agent?: string };
  snippet: string;
}
const search = (dir: string, ...args: string[]) => JSON.parse(ok(dir, ['search', ...args, '--json'])) as { total: number; hits: Hit[] };

function journal(): { dir: string; session: string } {
  const dir = makeRepo();
  ok(dir, ['init']);
  const started = JSON.parse(ok(dir, ['start', '--goal', 'Fix the sweeper lock order', '--name', 'sweeper', '--json'])) as { session: { id: string } } | { id: string };
  const session = 'session' in started ? started.session.id : started.id;
  ok(dir, ['log', '--decision', 'Take the lock before the check', '--rationale', 'the sweeper races otherwise']);
  ok(dir, ['log', '--discovery', 'Sweeping runs every five minutes', '--evidence', 'cron.ts line 40']);
  ok(dir, ['log', '--blocker', 'CI cannot reach the lock server']);
  ok(dir, ['log', '--next', 'Write the lock order regression test']);
  return { dir, session };
}

describe('logbook search (CLI)', () => {
  it('prints short ranked results with the match marked, and the same fields as --json', () => {
    const { dir, session } = journal();
    const out = ok(dir, ['search', 'sweep']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^[0-9A-Z]{26} {2}discovery {2}s_[0-9a-z]{4} sweeper {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}Ada Lovelace$/);
    expect(lines[1]).toBe('    **Sweeping** runs every five minutes — cron.ts line 40');
    expect(out).toContain('the **sweeper** races otherwise');
    expect(lines.at(-1)).toBe('3 matches; `logbook show ID` prints one in full.');
    const json = search(dir, 'sweep');
    expect(json.total).toBe(3);
    expect(json.hits[0]).toMatchObject({ type: 'discovery', session: { id: session, stable: `s_${session.slice(-4)}`, shortname: 'sweeper' }, actor: { name: 'Ada Lovelace' }, snippet: '**Sweeping** runs every five minutes — cron.ts line 40' });
    expect(search(dir, '"lock order"').hits.map((h) => h.type).sort()).toEqual(['next', 'session.started']);
    expect(search(dir, 'LOCK', '--type', 'blocker').hits.map((h) => h.type)).toEqual(['blocker']);
    expect(search(dir, 'lock', '--type', 'decision', '--type', 'next').total).toBe(2);
    expect(search(dir, 'lock', '--session', 'sweeper', '--since', '1d', '--status', 'open', '--actor', 'ada@example.com', '--limit', '1').hits).toHaveLength(1);
    expect(search(dir, 'lock', '--until', '2020-01-01').total).toBe(0);
    expect(search(dir, 'lock', '--status', 'closed').total).toBe(0);
    expect(ok(dir, ['search', 'nothinglikethis'])).toBe('No event matches "nothinglikethis".\n');
  });

  it('says what was wrong with bad input, and exits non-zero', () => {
    const { dir } = journal();
    // Usage errors (a value commander refuses: not one of the choices, not a whole number) exit 2, as for every command.
    for (const [args, message, code] of [
      [['lock', '--type', 'decisions'], /unknown event type "decisions"\nhint: use one of: session.started/, 1],
      [['lock', '--since', 'last week'], /--since must be a date, got "last week"\nhint: use an ISO date/, 1],
      [['lock', '--status', 'done'], /option '--status <open\|closed>' argument 'done' is invalid\. Allowed choices are open, closed/, 2],
      [['lock', '--limit', '0'], /option '--limit <N>' argument '0' is invalid\. expected a whole number of results, at least 1/, 2],
      [['lock', '--session', 'nope'], /no session matches "nope"/, 1],
      [['""'], /has no word to search for/, 1],
    ] as const) {
      const r = run(dir, ['search', ...args]);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('keeps the index current incrementally, across a stock git fetch and a redaction, and rebuilds a damaged one silently', () => {
    const { dir } = journal();
    const index = path.join(dir, '.git', 'logbook', 'cache', 'search');
    expect(search(dir, 'lock').total).toBe(4);
    const before = readdirSync(index).filter((f) => f.endsWith('.bin'));
    ok(dir, ['log', '--progress', 'Lockfile regenerated']);
    expect(search(dir, 'lock').total).toBe(5);
    // The earlier segment stays as it was: only the new event was indexed.
    expect(readdirSync(index).filter((f) => f.endsWith('.bin'))).toEqual(expect.arrayContaining(before));

    // Another clone's events arrive by a plain git fetch.
    const other = tempDir();
    git(other, 'clone', '-q', dir, '.');
    git(other, 'config', 'user.name', 'Grace Hopper');
    git(other, 'config', 'user.email', 'grace@example.com');
    git(other, 'fetch', '-q', 'origin', 'refs/logbook/*:refs/logbook/*');
    ok(other, ['init']);
    ok(other, ['start', '--goal', 'Second machine', '--name', 'second']);
    ok(other, ['log', '--decision', 'Keep the lock order documented']);
    git(dir, 'fetch', '-q', other, 'refs/logbook/*:refs/logbook/*');
    const after = search(dir, 'lock', '--actor', 'Grace Hopper');
    expect(after.hits.map((h) => [h.type, h.session.shortname])).toEqual([['decision', 'second']]);

    // A redaction takes the hidden text out of the index at once.
    const secret = search(dir, 'lockfile').hits[0]!;
    ok(dir, ['redact', secret.id]);
    expect(search(dir, 'lockfile').total).toBe(0);
    const files = readdirSync(index).filter((f) => f.endsWith('.bin'));
    for (const f of files) expect(readFileSync(path.join(index, f), 'utf8')).not.toContain('Lockfile');
    expect(JSON.parse(ok(dir, ['doctor', '--json'])).checks.find((c: { id: string }) => c.id === 'search').ok).toBe(true);

    // Damaged: doctor says so; search rebuilds it without a word.
    writeFileSync(path.join(index, files[0]!), 'garbage');
    const report = JSON.parse(run(dir, ['doctor', '--json']).stdout) as { findings: Array<{ check: string; code: string }> };
    expect(report.findings.filter((f) => f.check === 'search').map((f) => f.code)).toEqual(['search-index-corrupt']);
    const r = run(dir, ['search', 'lock', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).total).toBe(5);
    expect(JSON.parse(ok(dir, ['doctor', '--json'])).findings.filter((f: { check: string }) => f.check === 'search')).toEqual([]);
  });
});

describe('logbook show (CLI)', () => {
  it('prints one event in full by a unique prefix, with its session around it', () => {
    const { dir } = journal();
    const hit = search(dir, 'sweeper', '--type', 'decision').hits[0]!;
    const out = ok(dir, ['show', hit.id.slice(0, 24).toLowerCase()]);
    const [head, at, by, session] = out.split('\n');
    expect(head).toBe(`decision ${hit.id}`);
    expect(Date.parse(at!.replace(/^at: /, ''))).toBe(Date.parse(hit.at));
    expect(by).toBe('by: Ada Lovelace <ada@example.com>');
    expect(session).toBe(`session: s_${hit.session.id.slice(-4)} sweeper — Fix the sweeper lock order (active, ${hit.session.id})`);
    expect(out).toContain('\ntext: Take the lock before the check\nrationale: the sweeper races otherwise\n');
    expect(out).toContain(`\n> `);
    const json = JSON.parse(ok(dir, ['show', hit.id, '--json'])) as { event: { id: string; data: { rationale: string } }; before: unknown[]; after: unknown[] };
    expect(json.event.data.rationale).toBe('the sweeper races otherwise');
    expect(json.before.length + json.after.length).toBeGreaterThan(0);
    const ambiguous = run(dir, ['show', hit.id.slice(0, 2)]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/is the start of \d+ event ids/);
    expect(run(dir, ['show', 'ZZZZ']).stderr).toMatch(/no event has the id or prefix "ZZZZ"/);
  });
});

describe('MCP search and show (SDK client)', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
  });
  it('gives short results first, then the body by id', async () => {
    const { dir } = journal();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(LOGBOOK_|CLAUDE|CODEX_)/.test(k)) env[k] = v;
    const client = new Client({ name: 'logbook-test', version: '1.0.0' });
    clients.push(client);
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, env: { ...env, GIT_CONFIG_NOSYSTEM: '1' }, stderr: 'pipe' }));
    type R = { content: Array<{ text: string }>; isError?: boolean; structuredContent?: { hits?: Hit[]; event?: { id: string } } };
    const found = (await client.callTool({ name: 'search', arguments: { query: 'sweep', types: ['decision', 'discovery'], limit: 5 } })) as R;
    expect(found.isError).toBeFalsy();
    expect(found.content[0]!.text).toContain('**Sweeping** runs every five minutes');
    // An agent is pointed at its own tool, not at a command line it may not have.
    expect(found.content[0]!.text).toContain('the `show` tool');
    expect(found.content[0]!.text).not.toContain('logbook show');
    const hits = found.structuredContent!.hits!;
    expect(hits.map((h) => h.type)).toEqual(['discovery', 'decision']);
    const shown = (await client.callTool({ name: 'show', arguments: { event: hits[1]!.id } })) as R;
    expect(shown.content[0]!.text).toContain('rationale: the sweeper races otherwise');
    expect(shown.structuredContent!.event!.id).toBe(hits[1]!.id);
    const bad = (await client.callTool({ name: 'search', arguments: { query: 'lock', since: 'soon' } })) as R;
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toMatch(/`since` must be a date/);
  }, 60_000);
});
