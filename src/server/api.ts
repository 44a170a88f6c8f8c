/**
 * The HTTP API: one table of routes, each a thin adapter over the library
 * (the same `Logbook` methods and projections the CLI and MCP call). The
 * OpenAPI document is generated from this table and its zod schemas.
 */
import * as z from 'zod/mini';
import { LogbookError } from '../errors.js';
import { Journal } from '../journal.js';
import { Logbook } from '../logbook.js';
import { staleTimeoutMs } from '../config.js';
import { agendaViews, projectAgenda } from '../../projections/agenda.js';
import { isOpenItem, itemView, sortedItems } from '../../projections/items.js';
import { fitResume } from '../../projections/resume.js';
import { projectState } from '../../projections/state.js';
import { renderStats } from '../../projections/stats.js';
import { HttpError, invalidBody } from './errors.js';
import type { Repo } from './feed.js';
import { handlers } from '../operations/handlers.js';
import { checkpointOperation, closeOperation, linkOperation, logOperation, pauseOperation, searchOperation, startOperation } from '../operations/requests.js';
import { defined, type Operation, type RequestOf } from '../operations/request.js';
import { search } from './search.js';
import { sessionCommitViews } from '../code/commitsIndex.js';
import { groupModel } from '../groups/index.js';
import { slugify } from '../names/shortname.js';

/** `logbook list --status` choices. */
const LIST_STATUSES = ['active', 'paused', 'completed', 'abandoned', 'open', 'stale'];

export interface ApiRequest {
  repo: Repo;
  /** Every repository the request is about, when that is more than `repo` (an unprefixed search). */
  repos?: Repo[];
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (writes only). */
  body: unknown;
  /** X-Session-ID, when given. */
  sessionHeader: string | undefined;
  /** Who the writes are by: X-Logbook-Agent, else `http`. */
  agent: string;
  env: NodeJS.ProcessEnv;
}

export interface Route {
  method: 'GET' | 'POST';
  /** With `{NAME}` placeholders; matched after any `/api/repos/{NAME}` prefix is taken off. */
  path: string;
  summary: string;
  /** The operation whose request is the JSON body (writes) or, for a GET with `fromQuery`, the query string. */
  operation?: Operation;
  fromQuery?: boolean;
  /** Query parameters of a read that is not an operation. */
  query?: Record<string, string>;
  /** Writes are refused by --read-only. */
  write?: boolean;
  /** What X-Session-ID means here, when not the session written to. */
  sessionHeader?: string;
  status?: number;
  handle(req: ApiRequest): Promise<unknown>;
}

/** The body as `op`'s request; a refusal is a 400 naming each field. */
const parse = <O extends Operation>(op: O, body: unknown): RequestOf<O> => {
  const r = z.safeParse(op.request, body ?? {});
  if (!r.success) throw invalidBody(op.name, r.error.issues);
  return r.data as RequestOf<O>;
};

/** A Logbook for one write: the journal opened afresh with this request's agent, and the session of X-Session-ID or the body. */
function writer(req: ApiRequest, session: string | undefined): Logbook {
  const journal = req.repo.openWriter({ env: req.env, agent: { agent: req.agent } });
  return new Logbook(journal, { session: req.sessionHeader ?? session });
}

const reader = (req: ApiRequest) => new Logbook(req.repo.journal, req.sessionHeader ? { session: req.sessionHeader } : {});

/** Wait until the feed has seen our own append, so a client that writes then reads its stream misses nothing. */
async function written<T>(req: ApiRequest, value: T): Promise<T> {
  await req.repo.refresh();
  return value;
}

/** A write: the body is `op`'s request, its session (or X-Session-ID) the one written to. */
function writeRoute<O extends Operation>(path: string, summary: string, op: O, act: (lb: Logbook, request: RequestOf<O>) => Promise<unknown>, withHeader?: (request: RequestOf<O>, header: string) => void): Route {
  return {
    method: 'POST',
    path,
    summary,
    operation: op,
    write: true,
    status: 201,
    ...(withHeader ? { sessionHeader: 'the short name of the session started (lowercase letters, digits, dashes), by which later requests, the CLI and MCP reach it' } : {}),
    async handle(req) {
      const request: RequestOf<O> & { session?: string } = parse(op, req.body);
      // X-Session-ID is the request's session (it wins over the body's), so `group` with it is refused like two sessions.
      if (req.sessionHeader !== undefined && 'session' in op.request.shape) request.session = req.sessionHeader;
      if (req.sessionHeader !== undefined && withHeader) withHeader(request, req.sessionHeader);
      return written(req, await act(writer(req, request.session), request));
    },
  };
}

export const routes: Route[] = [
  {
    method: 'GET',
    path: '/api/sessions',
    summary: 'Every session, newest first (as `logbook list --json`)',
    query: { status: 'active | paused | completed | abandoned | open | stale', group: 'only this group' },
    async handle(req) {
      const lb = reader(req);
      const { snap } = await req.repo.current();
      const status = req.query.get('status') ?? undefined;
      if (status !== undefined && !LIST_STATUSES.includes(status)) {
        throw new HttpError(400, 'INVALID_INPUT', `status must be one of ${LIST_STATUSES.join(', ')}, got "${status}"`, 'as `logbook list --status`; leave it out for every session');
      }
      const group = req.query.get('group') ?? undefined;
      const rows = lb.listSessions(snap, defined({ status, group, staleAfterMs: staleTimeoutMs(req.repo.journal) }));
      const states = new Map(req.repo.journal.loadSessions(snap, rows.map((h) => h.id)).map((s) => [s.id, s]));
      return rows.map((h) => ({ ...states.get(h.id)!, stale: h.stale }));
    },
  },
  writeRoute(
    '/api/sessions',
    'Start a session (as `logbook start`); an X-Session-ID header is its short name, so that later requests, the CLI and MCP reach it by that name',
    startOperation,
    async (lb, r) => {
      const { session, events } = await handlers.start(lb, r, 'api');
      return { session, events };
    },
    (r, header) => {
      // Seed 004: the client names the session it starts, then writes to it by that name on every channel.
      const name = slugify(header);
      if (name !== header) throw new HttpError(400, 'INVALID_INPUT', `X-Session-ID "${header}" cannot name a new session: a short name is lowercase letters, digits and dashes`, name ? `send X-Session-ID: ${name}` : 'send X-Session-ID: session-123, for example');
      if (r.name !== undefined && slugify(r.name) !== name) throw new HttpError(400, 'INVALID_INPUT', `X-Session-ID "${header}" and name "${r.name}" name two sessions`, 'send one of them: the X-Session-ID of a start is the new session’s short name');
      r.name = name;
    },
  ),
  {
    method: 'GET',
    path: '/api/sessions/{S}',
    summary: 'A session and every one of its events (as `logbook view --json`)',
    async handle(req) {
      const view = await req.repo.current();
      const s = reader(req).session(view.snap, req.params.S);
      return { session: s, events: view.bySession(s.id), commits: await sessionCommitViews(req.repo.journal, s.id) };
    },
  },
  {
    method: 'GET',
    path: '/api/sessions/{S}/resume',
    summary: 'The resume context of a session (read only: nothing is reopened or marked read)',
    query: { budget: 'character budget (default 10000)' },
    async handle(req) {
      const lb = reader(req);
      const { snap } = await req.repo.current();
      const s = lb.session(snap, req.params.S);
      const budgetText = req.query.get('budget');
      const budget = budgetText === null ? undefined : Number(budgetText);
      if (budget !== undefined && (!Number.isInteger(budget) || budget < 200)) throw new LogbookError('INVALID_INPUT', `budget must be a whole number of characters, at least 200; got "${budgetText}"`, { hint: 'for example ?budget=4000' });
      const { input, text, omitted } = lb.resumeText(snap, s, budget === undefined ? {} : { budget });
      return { ...input, context: text, omitted };
    },
  },
  writeRoute('/api/log', 'Add entries to the session log (the `logbook log` flags as a JSON body; a flag that repeats is an array)', logOperation, async (lb, r) => ({ events: await handlers.log(lb, r) })),
  writeRoute('/api/checkpoint', 'Record a checkpoint (as `logbook checkpoint`)', checkpointOperation, (lb, r) => handlers.checkpoint(lb, r)),
  writeRoute('/api/pause', 'Pause the session, or every active session of a group (as `logbook pause`)', pauseOperation, (lb, r) => handlers.pause(lb, r)),
  writeRoute('/api/close', 'Close the session, or every open session of a group, as completed or abandoned (as `logbook close`)', closeOperation, (lb, r) => handlers.close(lb, r)),
  writeRoute('/api/link', 'Link an item to the session (as `logbook link`)', linkOperation, async (lb, r) => ({ events: await handlers.link(lb, r) })),
  {
    method: 'GET',
    path: '/api/agenda',
    summary: 'Every session’s agenda, or one with ?session= (as `logbook agenda --json`)',
    query: { session: 'one session' },
    async handle(req) {
      const { snap, events } = await req.repo.current();
      const agenda = projectAgenda(events);
      const ref = req.query.get('session');
      if (ref) return agendaViews(agenda, snap.sessions, [reader(req).session(snap, ref).id])[0];
      return { sessions: agendaViews(agenda, snap.sessions) };
    },
  },
  {
    method: 'GET',
    path: '/api/items',
    summary: 'Every linked item with its chain (as `logbook items --json`)',
    query: { open: 'true: only open items', type: 'only this item type' },
    async handle(req) {
      const { snap } = await req.repo.current();
      const open = req.query.get('open') === 'true';
      const type = req.query.get('type');
      return { items: sortedItems(snap.items).filter((i) => (!open || isOpenItem(i)) && (!type || i.type === type)).map(itemView) };
    },
  },
  {
    method: 'GET',
    path: '/api/items/{KEY}',
    summary: 'One item and its chain across sessions (as `logbook item KEY --json`)',
    async handle(req) {
      const { snap } = await req.repo.current();
      const item = snap.items.items.get(req.params.KEY!);
      if (!item) throw new LogbookError('UNKNOWN_ITEM', `no item "${req.params.KEY}" was ever linked`, { hint: 'GET /api/items lists the linked items' });
      return itemView(item);
    },
  },
  {
    method: 'GET',
    path: '/api/stats',
    summary: 'Session statistics (as `logbook stats --json`)',
    query: { group: 'only the sessions of this group (as `logbook stats --group G`)' },
    async handle(req) {
      const { snap } = await req.repo.current();
      const group = req.query.get('group') ?? undefined;
      const model = group === undefined ? snap.sessions : groupModel(req.repo.journal, snap, group);
      const stats = renderStats(model, { asOf: req.repo.journal.now(), staleAfterMs: staleTimeoutMs(req.repo.journal) });
      return group === undefined ? stats : { ...stats, group };
    },
  },
  {
    method: 'GET',
    path: '/api/state',
    summary: 'The project state: todo list, focus, next steps (as `logbook state --json`)',
    async handle(req) {
      return projectState((await req.repo.current()).events);
    },
  },
  {
    method: 'GET',
    path: '/api/events',
    summary: 'Events after an event id, in the order the server delivers them (the journal’s order, then arrivals)',
    query: { after: 'an event id (default: from the start)', limit: 'at most this many (default 1000, max 10000)' },
    async handle(req) {
      const after = req.query.get('after') ?? undefined;
      const limitText = req.query.get('limit');
      const limit = limitText === null ? 1000 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new LogbookError('INVALID_INPUT', `limit must be a whole number from 1 to 10000; got "${limitText}"`, { hint: 'for example ?limit=100' });
      await req.repo.refresh();
      const ids = req.repo.idsAfter(after);
      if (!ids) throw new LogbookError('UNKNOWN_EVENT', `no event has the id "${after}"`, { hint: 'pass the id of an event this server delivered (the `id` of an SSE message or of an event here)' });
      const view = await req.repo.current();
      const page = ids.slice(0, limit).map((id) => view.byId(id)).filter((e) => e !== undefined);
      return { events: page, last: page.at(-1)?.id ?? after ?? null, more: ids.length > limit };
    },
  },
  {
    method: 'GET',
    path: '/api/search',
    summary: 'Search events by text (ranked; short hits, `GET /api/events` or `logbook show` for the body)',
    operation: searchOperation,
    fromQuery: true,
    handle: (req) => search(req),
  },
];

/** A route's path as a pattern: `{NAME}` matches one path segment (decoded). */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of routes) {
    const want = route.path.split('/');
    let parts = path.split('/');
    // An item key is a path of its own (`file:src/a.ts`): a trailing {KEY} takes the rest of the path, typed or %2F-encoded.
    if (want.at(-1) === '{KEY}' && parts.length > want.length) parts = [...parts.slice(0, want.length - 1), parts.slice(want.length - 1).join('/')];
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      const w = want[i]!;
      if (w.startsWith('{')) {
        try {
          params[w.slice(1, -1)] = decodeURIComponent(parts[i]!);
        } catch {
          // a malformed %-escape: the route does not match, answered as not found
          ok = false;
        }
        ok &&= parts[i] !== '';
      } else ok = w === parts[i];
    }
    if (!ok) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : undefined;
}

export { HttpError };
