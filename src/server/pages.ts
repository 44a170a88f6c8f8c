/**
 * The web view's pages: each reads the repository's current snapshot and
 * hands the same projections the CLI uses to a pure renderer in
 * projections/html/. Paths may carry a `/repos/{NAME}` prefix, as the API's do.
 */
import { isLogbookError, LogbookError } from '../errors.js';
import { stableId } from '../events.js';
import { resolveSession } from '../sessions.js';
import { staleTimeoutMs } from '../config.js';
import { agendaViews, projectAgenda } from '../../projections/agenda.js';
import { sessionItems } from '../../projections/items.js';
import { isOpen, openSessions, sessionHeaders, type SessionHeader } from '../../projections/sessions.js';
import { renderStats } from '../../projections/stats.js';
import { renderDashboard, type DashboardRepo } from '../../projections/html/dashboard.js';
import { renderItemPage, type ChainSession } from '../../projections/html/item.js';
import { dailyActivity, renderAgendaPage, renderSearchPage, renderStatsPage, searchResults, type SearchHits } from '../../projections/html/pages.js';
import { renderSessionPage } from '../../projections/html/session.js';
import { sessionCommitViews } from '../code/commitsIndex.js';
import { HttpError, errorResponse } from './errors.js';
import type { Repo } from './feed.js';
import { search } from './search.js';
import type { SyncTimer } from './syncTimer.js';

export interface PageContext {
  repos: Repo[];
  byName: Map<string, Repo>;
  sync: SyncTimer | undefined;
  readOnly: boolean;
}

const streamOf = (repo: Repo, ctx: PageContext) => (ctx.repos.length > 1 || repo !== ctx.repos[0] ? `/api/repos/${encodeURIComponent(repo.name)}/events/stream` : '/api/events/stream');

function syncNotices(ctx: PageContext): string[] {
  if (!ctx.sync) return [];
  return Object.entries(ctx.sync.status)
    .filter(([, st]) => st.error)
    .map(([name, st]) => `Sync of ${name} with ${st.remote} failed: ${st.error}`);
}

/** The dashboard: every served repository's open and recent sessions, or `one`'s (a /repos/NAME/ path). */
async function dashboardPage(ctx: PageContext, one: (typeof ctx.repos)[number] | undefined, notices: ReturnType<typeof syncNotices>): Promise<string> {
  const shown = one ? [one] : ctx.repos;
  const data: DashboardRepo[] = [];
  for (const r of shown) {
    const { snap } = await r.current();
    // Headers only: the open sessions are in memory, and of the closed ones the twelve shown are read.
    const headers = sessionHeaders(snap.sessions);
    const recentIds = headers.filter((h) => !isOpen(h)).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)).slice(0, 12).map((h) => h.id);
    const all = [...openSessions(snap.sessions), ...r.journal.loadSessions(snap, recentIds)];
    const rBase = ctx.repos.length > 1 ? `/repos/${encodeURIComponent(r.name)}` : '';
    const st = ctx.sync?.status[r.name];
    data.push({
      name: r.name,
      base: rBase,
      open: all.filter(isOpen).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)),
      recent: all.filter((s) => !isOpen(s)).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)).slice(0, 12),
      ...(st ? { sync: { remote: st.remote, running: st.running, ...(st.lastAt ? { lastAt: st.lastAt } : {}), ...(st.lastOk ? { lastOk: st.lastOk } : {}), ...(st.error ? { error: st.error } : {}) } } : {}),
    });
  }
  return renderDashboard(data, { live: one ? streamOf(one, ctx) : '/api/events/stream', notices });
}

export async function renderPage(url: URL, ctx: PageContext): Promise<string> {
  let rest = url.pathname;
  let repo = ctx.repos[0]!;
  let base = '';
  const prefixed = /^\/repos\/([^/]+)(\/.*)?$/.exec(rest);
  if (prefixed) {
    const name = decodeURIComponent(prefixed[1]!);
    const found = ctx.byName.get(name);
    if (!found) throw new HttpError(404, 'UNKNOWN_REPO', `no repository named "${name}" is served here`, `served: ${ctx.repos.map((r) => r.name).join(', ')}`);
    repo = found;
    rest = prefixed[2] ?? '/';
  }
  // Unprefixed, search is of every repository (SPEC 10); every other page is of one.
  if (prefixed || (ctx.repos.length > 1 && rest !== '/search')) base = `/repos/${encodeURIComponent(repo.name)}`;
  const notices = syncNotices(ctx);

  if (rest === '/' || rest === '') return dashboardPage(ctx, prefixed ? repo : undefined, notices);
  const sessionPath = /^\/sessions\/([^/]+)$/.exec(rest);
  if (sessionPath) {
    const view = await repo.current();
    const s = repo.journal.loadSession(view.snap, resolveSession(view.snap.sessions, decodeURIComponent(sessionPath[1]!)).id)!;
    const commits = await sessionCommitViews(repo.journal, s.id);
    return renderSessionPage({ repo: repo.name, base, session: s, events: view.bySession(s.id), items: sessionItems(view.snap.items, s.id), commits, live: streamOf(repo, ctx), notices });
  }
  const itemPath = /^\/items\/(.+)$/.exec(rest);
  if (itemPath) {
    const key = decodeURIComponent(itemPath[1]!);
    const { snap } = await repo.current();
    const item = snap.items.items.get(key);
    if (!item) throw new LogbookError('UNKNOWN_ITEM', `no item "${key}" was ever linked`, { hint: 'the session pages link to their items' });
    const byStable = new Map<string, SessionHeader>();
    const headers = sessionHeaders(snap.sessions);
    for (const s of headers) byStable.set(s.stable, s);
    const sessions: ChainSession[] = item.session_ids.map((stable) => {
      const s = byStable.get(stable) ?? (stableId(item.current_session) === stable ? headers.find((h) => h.id === item.current_session) : undefined);
      return s ? { id: s.id, stable, title: s.title, status: s.status } : { stable, title: '(not in this journal)', status: 'unknown' };
    });
    return renderItemPage({ repo: repo.name, base, item, sessions, live: streamOf(repo, ctx) });
  }
  if (rest === '/agenda') {
    const { snap, events } = await repo.current();
    return renderAgendaPage({ repo: repo.name, base, views: agendaViews(projectAgenda(events), snap.sessions).reverse(), live: streamOf(repo, ctx) });
  }
  if (rest === '/stats') {
    const { snap, events } = await repo.current();
    const stats = renderStats(snap.sessions, { asOf: repo.journal.now(), staleAfterMs: staleTimeoutMs(repo.journal) });
    return renderStatsPage({ repo: repo.name, base, stats, activity: dailyActivity(events), live: streamOf(repo, ctx) });
  }
  if (rest === '/search') {
    const query = url.searchParams.get('q') ?? '';
    if (!query.trim()) return renderSearchPage({ base, query });
    try {
      const found: SearchHits = await search({ repo, ...(prefixed ? {} : { repos: ctx.repos }), params: {}, query: url.searchParams, body: undefined, sessionHeader: undefined, agent: 'http', env: {} });
      return renderSearchPage({ base, query, results: searchResults(found, base) });
    } catch (e) {
      if (!(e instanceof HttpError) && !isLogbookError(e)) throw e;
      const { body } = errorResponse(e);
      return renderSearchPage({ base, query, error: { message: body.error.message, ...(body.error.hint ? { hint: body.error.hint } : {}) } });
    }
  }
  throw new HttpError(404, 'NOT_FOUND', `no page ${url.pathname}`, 'start from the dashboard at /');
}
