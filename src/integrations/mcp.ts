/**
 * `logbook mcp`: a stdio MCP server (official TypeScript SDK) over the same
 * journal and session ids as the CLI. Tools: start, log, link, checkpoint,
 * pause, resume, view, list, close, why, search, show. Resources: `logbook://resume` (the resume
 * context of the current session) and `logbook://sessions/{id}` (each session file).
 *
 * Which session a tool acts on: its `session` argument, else the session this
 * server started or resumed last, else the CLI's rule (LOGBOOK_SESSION, then
 * the newest active session of this clone). So two agents, each with its own
 * server, keep to their own sessions once they start or resume one.
 *
 * Nothing but protocol goes to stdout; the journal is opened per call, so a
 * server started before `logbook init` works once the repository is initialised.
 */
import type { Readable, Writable } from 'node:stream';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isLogbookError } from '../errors.js';
import { redactText } from '../redact.js';
import { eventSubject, type JournalEvent } from '../events.js';
import { Journal } from '../journal.js';
import { Logbook } from '../logbook.js';
import { staleTimeoutMs } from '../config.js';
import { logInputSchema, logOptionsFrom } from './mcpLog.js';
import { handlers, isGroupResult } from '../operations/handlers.js';
import { readHandlers } from '../operations/readHandlers.js';
import { checkpointOperation, closeOperation, inFieldWords, linkOperation, pauseOperation, resumeOperation, searchOperation, startOperation } from '../operations/requests.js';
import { closeSummary, renderCloseSummary } from '../../projections/closeSummary.js';
import { DEFAULT_BUDGET } from '../../projections/resume.js';
import { renderSessionView } from '../../projections/sessionFile.js';
import { sessionHeaders, type Session } from '../../projections/sessions.js';
import { minute } from '../../projections/time.js';
import { WHEN_FORMS, momentBanner } from '../timetravel/index.js';
import { renderWhy } from '../../projections/why.js';
import { drainCommits } from '../code/record.js';
import { why } from '../code/why.js';
import { renderEvent, renderSearchResults } from '../../projections/search.js';
import { findEvent } from '../search/show.js';
import type { SearchIndex } from '../search/live.js';
import { searchIndexOf } from '../search/search.js';

export interface McpOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  version?: string;
}

type ToolResult = { content: Array<{ type: 'text'; text: string }>; isError?: boolean; structuredContent?: Record<string, unknown> };

const text = (t: string, structured?: Record<string, unknown>): ToolResult => ({
  content: [{ type: 'text', text: t }],
  ...(structured ? { structuredContent: JSON.parse(JSON.stringify(structured, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v))) } : {}),
});

/** Errors are worded for the command line; through MCP the same words name the tools' parameters. */
const forTools = (text: string) => inFieldWords(text, (f) => `\`${f}\``);

function failure(e: unknown): ToolResult {
  const message = isLogbookError(e) ? forTools(`${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`) : `internal error: ${redactText((e as Error)?.message ?? String(e)).text}`;
  return { content: [{ type: 'text', text: message }], isError: true };
}

const sessionLine = (s: Pick<Session, 'id' | 'stable' | 'status' | 'updatedAt' | 'shortname' | 'title'>) => `${s.stable}  ${s.status.padEnd(9)}  ${minute(s.updatedAt)}  ${s.shortname}${s.title !== s.shortname ? ` — ${s.title}` : ''}  (${s.id})`;
const eventLines = (events: JournalEvent[]) => events.map((e) => `- ${eventSubject(e)}`).join('\n');

const sessionArg = z.string().optional().describe('session: full id, s_xxxx, suffix, shortname or unique prefix (default: current)');
const atArg = z.string().optional().describe(`the view as of a moment: ${WHEN_FORMS}`);

/** Build the server (not yet connected). */
/** What the tool handlers share: the server, how a call opens the journal, and this server's current session. */
interface Tools {
  server: McpServer;
  open: (session?: string) => Logbook;
  run: (fn: () => Promise<ToolResult>) => () => Promise<ToolResult>;
  resumeText: (lb: Logbook, s: Session, budget?: number) => Promise<string>;
  options: McpOptions;
  /** The session this server started or resumed last: its "current" session. */
  state: { current: string | undefined };
}

export function createMcpServer(options: McpOptions): McpServer {
  const server = new McpServer({ name: 'logbook', version: options.version ?? '0.1.0' }, { capabilities: { tools: {}, resources: {} } });
  const state: Tools['state'] = { current: undefined };
  let searchIndex: SearchIndex | undefined;

  const open = (session?: string): Logbook => {
    const client = server.server.getClientVersion()?.name;
    const agent = options.env.LOGBOOK_AGENT?.trim() || client || 'mcp';
    const journal = Journal.open({ cwd: options.cwd, env: options.env, ...(options.now ? { now: options.now } : {}), agent: { agent } });
    // One search index for the server's life, told of every append made through it.
    searchIndex ??= searchIndexOf(journal);
    searchIndex.follow(journal);
    return new Logbook(journal, { session, channel: state.current, searchIndex });
  };
  const run = (fn: () => Promise<ToolResult>) => async (): Promise<ToolResult> => {
    try {
      return await fn();
    } catch (e) {
      return failure(e);
    }
  };
  // The same resume context as the CLI's, which also marks the messages it shows as read.
  const resumeText = async (lb: Logbook, s: Session, budget?: number) => (await lb.resumeContext(s.id, { budget: budget ?? DEFAULT_BUDGET })).text;
  const tools: Tools = { server, open, run, resumeText, state, options };
  registerRecordingTools(tools);
  registerLifecycleTools(tools);
  registerReadingTools(tools);
  registerSearchTools(tools);
  registerResources(tools);
  return server;
}

/** Start a session and record into it. The input schemas are the operations' requests (src/operations/requests.ts). */
function registerRecordingTools({ server, open, run, state }: Tools): void {
  server.registerTool(
    'start',
    { title: 'Start a Logbook session', description: 'Start a new work session; later calls of this server act on it. Returns its id.', inputSchema: startOperation.request },
    (args) =>
      run(async () => {
        const { session } = await handlers.start(open(), args, 'mcp');
        state.current = session.id;
        return text(`Started session ${session.id} (${session.stable}, ${session.shortname})`, { session: { id: session.id, stable: session.stable, shortname: session.shortname, title: session.title } });
      })(),
  );

  server.registerTool(
    'log',
    {
      title: 'Log to the session',
      description:
        'Add one entry to the session log: a required kind (progress, done, decision, discovery, blocker, resolve, next) and its text, plus the fields of that kind (decision: rationale, options; discovery: evidence; resolve: note; progress/done: step). Call once per entry.',
      // mcpLog.ts: the log request one entry at a time; what is required is marked required, a field given to the wrong kind is refused by name.
      inputSchema: logInputSchema,
    },
    (args) =>
      run(async () => {
        const events = await handlers.log(open(args.session), { ...logOptionsFrom(args), ...(args.session !== undefined ? { session: args.session } : {}) });
        return text(`Logged ${events.length} entr${events.length === 1 ? 'y' : 'ies'}:\n${eventLines(events)}`, { events });
      })(),
  );

  server.registerTool(
    'link',
    { title: 'Link an item', description: 'Link an item (task:42, kb:node:abc, track:project:x, file:src/a.ts, any type:key) to the session.', inputSchema: linkOperation.request },
    (args) =>
      run(async () => {
        const events = await handlers.link(open(args.session), args);
        return text(`Linked:\n${eventLines(events)}`, { events });
      })(),
  );
}

/** Checkpoint, pause, resume and close the session. */
function registerLifecycleTools({ server, open, run, state }: Tools): void {
  server.registerTool(
    'checkpoint',
    { title: 'Checkpoint', description: 'Record a checkpoint (with the git position) in the session.', inputSchema: checkpointOperation.request },
    (args) =>
      run(async () => {
        const { session, events } = await handlers.checkpoint(open(args.session), args);
        return text(`Checkpoint in ${session.stable}:\n${eventLines(events)}`, { events });
      })(),
  );

  server.registerTool(
    'pause',
    { title: 'Pause', description: 'Pause the session, or every active session of a group (resume it later with resume).', inputSchema: pauseOperation.request },
    (args) =>
      run(async () => {
        const r = await handlers.pause(open(args.session), args);
        if (isGroupResult(r)) return text(`Paused ${r.sessions.length} session(s) of group ${r.group}: ${r.sessions.map((s) => s.stable).join(', ')}`, { group: r.group, sessions: r.sessions.map((s) => s.id) });
        return text(`Paused ${r.session.stable} (${r.session.shortname})`);
      })(),
  );

  server.registerTool(
    'resume',
    {
      title: 'Resume context',
      description: "Print the resume context of a session (reopening it if paused) and make it this server's current session; with `at`, the context as it stood then (read-only).",
      inputSchema: resumeOperation.request,
    },
    (args) =>
      run(async () => {
        const r = await readHandlers.resume(open(args.session), args);
        // As of a moment: read-only, and the current session stays as it is.
        if (r.moment) return text(momentBanner(r.moment) + r.text);
        state.current = r.session.id;
        return text(r.text);
      })(),
  );

  server.registerTool(
    'close',
    { title: 'Close the session', description: 'Close the session, or every open session of a group, as completed (summary, learnings) or abandoned (reason required).', inputSchema: closeOperation.request },
    (args) =>
      run(async () => {
        const r = await handlers.close(open(args.session), args);
        if (isGroupResult(r)) {
          if (r.sessions.some((s) => s.id === state.current)) state.current = undefined;
          return text(`Closed ${r.sessions.length} session(s) of group ${r.group}: ${r.sessions.map((s) => s.stable).join(', ')}`, { group: r.group, sessions: r.sessions.map((s) => s.id) });
        }
        if (state.current === r.session.id) state.current = undefined;
        const summary = closeSummary(r.session)!;
        return text(renderCloseSummary(summary), summary as unknown as Record<string, unknown>);
      })(),
  );
}

/** Read sessions: one, the list, and why a line of code is as it is. */
function registerReadingTools({ server, open, run, options, state }: Tools): void {
  server.registerTool(
    'view',
    {
      title: 'View a session',
      description: 'The session file (markdown), or only its progress or decisions; json gives the session and its events.',
      inputSchema: { session: sessionArg, section: z.enum(['all', 'progress', 'decisions']).optional(), json: z.boolean().optional(), at: atArg },
    },
    (args) =>
      run(async () => {
        const v = await readHandlers.view(open(args.session), { session: args.session, at: args.at, events: args.json === true });
        if (args.json) {
          const value = { session: v.session, events: v.events, commits: v.commits, ...(v.moment ? { moment: v.moment } : {}) };
          return text(JSON.stringify(value, (_k, x) => (x instanceof Map ? Object.fromEntries(x) : x), 2), value as unknown as Record<string, unknown>);
        }
        const only = args.section === 'progress' || args.section === 'decisions' ? [args.section] : [];
        return text((v.moment ? momentBanner(v.moment) : '') + renderSessionView(v.session, { items: v.items, commits: v.commits, only }));
      })(),
  );

  server.registerTool(
    'list',
    {
      title: 'List sessions',
      description: 'Every session with its id and status, newest first (as `logbook list`).',
      inputSchema: {
        status: z.enum(['active', 'paused', 'completed', 'abandoned', 'open', 'stale']).optional(),
        group: z.string().optional().describe('only the sessions of this group'),
      },
    },
    (args) =>
      run(async () => {
        const lb = open();
        const snap = await lb.load();
        // The CLI's own listing: newest first, stale marked, headers only (no closed session's log is loaded).
        const shown = lb.listSessions(snap, { ...(args.status ? { status: args.status } : {}), ...(args.group !== undefined ? { group: args.group } : {}), staleAfterMs: staleTimeoutMs(lb.journal) });
        const rows = shown.map((s) => ({ id: s.id, stable: s.stable, shortname: s.shortname, title: s.title, status: s.status, updatedAt: s.updatedAt, stale: s.stale, ...(s.group !== undefined ? { group: s.group } : {}), current: s.id === state.current }));
        return text(shown.length ? shown.map(sessionLine).join('\n') : 'No sessions.', { sessions: rows });
      })(),
  );

  server.registerTool(
    'why',
    {
      title: 'Why is this code like this',
      description: 'Blame a file (or some of its lines) and name the sessions, agents, decisions and discoveries that produced it, through amends, rebases and cherry-picks.',
      inputSchema: { path: z.string().describe('a file of the repository, optionally with :LINE or :LINE-END (src/app.ts:42-50)') },
    },
    (args) =>
      run(async () => {
        await drainCommits({ cwd: options.cwd, env: options.env }).catch(() => undefined); // spooled commits: best effort, the answer does not wait on them
        const view = await why(open(), { target: args.path, cwd: options.cwd, env: options.env });
        return text(renderWhy(view), view as unknown as Record<string, unknown>);
      })(),
  );
}

/** Search the journal and show one event. */
function registerSearchTools({ server, open, run }: Tools): void {
  server.registerTool(
    'search',
    {
      title: 'Search the journal',
      description: 'Find events across every session by their text (BM25-ranked; words also match as prefixes; "quoted phrases"). Short results: id, type, session, date, one line around the match. Open one with `show`.',
      inputSchema: searchOperation.request,
    },
    (args) =>
      run(async () => {
        const result = await readHandlers.search(open(), args);
        return text(renderSearchResults(result, 'mcp'), { ...result });
      })(),
  );

  server.registerTool(
    'show',
    {
      title: 'Show one event',
      description: 'One event in full (by id or a unique prefix, as `search` lists them), with its session and the events around it.',
      inputSchema: { event: z.string().describe('event id or unique prefix') },
    },
    (args) =>
      run(async () => {
        const lb = open();
        const snap = await lb.load();
        const shown = findEvent(snap, await lb.journal.events(snap), args.event);
        return text(renderEvent(shown), { ...shown });
      })(),
  );
}

/** The resume context and the session files as resources. */
function registerResources({ server, open, resumeText }: Tools): void {
  server.registerResource(
    'resume',
    'logbook://resume',
    { title: 'Resume context', description: 'The resume context of the current session', mimeType: 'text/markdown' },
    async (uri) => {
      const lb = open();
      const snap = await lb.load();
      const s = lb.findSession(snap);
      const body = s ? await resumeText(lb, s) : 'No active session. Start one with the `start` tool.\n';
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: body }] };
    },
  );

  server.registerResource(
    'session',
    new ResourceTemplate('logbook://sessions/{id}', {
      list: async () => {
        const snap = await open().load();
        return {
          resources: sessionHeaders(snap.sessions).map((s) => {
            return { uri: `logbook://sessions/${s.id}`, name: `${s.stable} ${s.shortname}`, description: `${s.status}: ${s.title}`, mimeType: 'text/markdown' };
          }),
        };
      },
    }),
    { title: 'Session file', description: 'A session as its markdown session file', mimeType: 'text/markdown' },
    async (uri, vars) => {
      const ref = decodeURIComponent(String(Array.isArray(vars.id) ? vars.id[0] : vars.id));
      let v: Awaited<ReturnType<typeof readHandlers.view>>;
      try {
        v = await readHandlers.view(open(), { session: ref });
      } catch (e) {
        // -32002: the MCP code for a resource that does not exist.
        if (isLogbookError(e)) throw new McpError(-32002, forTools(`${e.message}${e.hint ? ` (${e.hint})` : ''}`), { uri: uri.href });
        throw e;
      }
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: renderSessionView(v.session, { items: v.items, commits: v.commits }) }] };
    },
  );
}

/**
 * Serve MCP over the given streams until the client disconnects.
 *
 * @example await runMcpServer({ cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout })
 */
export async function runMcpServer(options: McpOptions & { stdin: Readable; stdout: Writable }): Promise<void> {
  const server = createMcpServer(options);
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    options.stdin.once('end', () => resolve());
    options.stdin.once('close', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
}
