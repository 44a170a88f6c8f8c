/** The agenda, stats and search pages. Pure. */
import type { JournalEvent } from '../../src/events.js';
import type { AgendaView } from '../agenda.js';
import type { Stats } from '../stats.js';
import { barChart, splitBar, type Bar } from './charts.js';
import { html, page, statusBadge, type Raw } from './layout.js';

export function renderAgendaPage(input: { repo: string; base: string; views: AgendaView[]; live: string }): string {
  const list = (title: string, items: string[]) => (items.length ? html`<h4>${title}</h4><ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : '');
  const shown = input.views.filter((v) => v.completed.length + v.in_progress.length + v.blockers.length + v.track_projects.length + v.context_keys.length > 0);
  const body = html`<h1>Agenda <span class="muted">${input.repo}</span></h1>
${shown.length ? html`<div class="cards">${shown.map((v) => html`<article class="card" aria-labelledby="ag-${v.id}"><header><h3 id="ag-${v.id}"><a href="${input.base}/sessions/${encodeURIComponent(v.id)}">${v.title}</a></h3>${statusBadge(v.status)}</header><p class="meta">${v.stable_id} · ${v.shortname}</p>${list('Completed', v.completed)}${list('In progress', v.in_progress)}${list('Blockers', v.blockers)}${list('Track projects', v.track_projects)}${list('Context keys', v.context_keys)}</article>`)}</div>` : html`<p class="empty">No agenda yet: link items with <code>logbook link KEY</code>.</p>`}`;
  return page({ title: 'Agenda', nav: 'agenda', base: input.base, body, live: input.live });
}

export interface DailyActivity {
  day: string;
  sessions: number;
  completed: number;
  abandoned: number;
  compactions: number;
  toolCalls: number;
  toolFailures: number;
}

/** A fold of the events into one row per UTC day, for the charts. */
export function dailyActivity(events: readonly JournalEvent[]): { days: DailyActivity[]; tools: Bar[] } {
  const days = new Map<string, DailyActivity>();
  const tools = new Map<string, Bar>();
  const day = (at: string) => {
    const d = at.slice(0, 10);
    return days.get(d) ?? days.set(d, { day: d, sessions: 0, completed: 0, abandoned: 0, compactions: 0, toolCalls: 0, toolFailures: 0 }).get(d)!;
  };
  for (const e of events) {
    if (e.type === 'session.started') day(e.at).sessions++;
    else if (e.type === 'session.closed') day(e.at)[e.data.outcome]++;
    else if (e.type === 'session.compacted' && e.data.of === undefined) day(e.at).compactions++; // a summary for a compaction counted before is not another
    else if (e.type === 'tool.used') {
      const d = day(e.at);
      d.toolCalls++;
      if (!e.data.success) d.toolFailures++;
      const t = tools.get(e.data.tool) ?? tools.set(e.data.tool, { label: e.data.tool, value: 0, extra: 0 }).get(e.data.tool)!;
      if (e.data.success) t.value++;
      else t.extra = (t.extra ?? 0) + 1;
    }
  }
  return { days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)), tools: [...tools.values()].sort((a, b) => b.value + (b.extra ?? 0) - (a.value + (a.extra ?? 0))).slice(0, 20) };
}

export function renderStatsPage(input: { repo: string; base: string; stats: Stats; activity: ReturnType<typeof dailyActivity>; live: string }): string {
  const { stats: st, activity } = input;
  const rate = st.completion_rate === null ? '–' : `${Math.round(st.completion_rate * 100)}%`;
  const tiles: Array<[string, string | number]> = [
    ['Sessions', st.total],
    ['Active', st.active],
    ['Paused', st.paused],
    ['Completed', st.completed],
    ['Abandoned', st.abandoned],
    ['Stale', st.stale],
    ['Completion rate', rate],
    ['Average duration', st.average_duration ?? '–'],
    ['Events', st.events],
  ];
  const body: Raw = html`<h1>Statistics <span class="muted">${input.repo}</span></h1>
<dl class="tiles">${tiles.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
<div class="charts"><section aria-labelledby="c1"><h2 id="c1">Sessions started per day</h2>${barChart('spd', 'Sessions started per day', activity.days.map((d) => ({ label: d.day, value: d.sessions })), { unit: 'sessions' })}</section>
<section aria-labelledby="c2"><h2 id="c2">Completion rate</h2>${splitBar('cr', `Completion rate ${rate}`, { label: 'completed', value: st.completed }, { label: 'abandoned', value: st.abandoned })}</section>
<section aria-labelledby="c3"><h2 id="c3">Compactions per day</h2>${barChart('cpd', 'Compactions per day', activity.days.map((d) => ({ label: d.day, value: d.compactions })), { unit: 'compactions' })}</section>
<section aria-labelledby="c4"><h2 id="c4">Tool use</h2>${activity.tools.length ? barChart('tools', 'Tool calls by tool (failures on top)', activity.tools, { unit: 'calls', extraLabel: 'failures' }) : html`<p class="empty">No tool use recorded.</p>`}</section></div>`;
  return page({ title: 'Statistics', nav: 'stats', base: input.base, body, live: input.live });
}

/** The shape `GET /api/search` answers with (src/search's SearchResult): snippets mark the match with `**`. */
export interface SearchHits {
  query: string;
  total: number;
  /** `repo`: the repository a hit is from, when several were searched. */
  hits: Array<{ id: string; type: string; at: string; snippet: string; repo?: string; session?: { id: string; stable: string; shortname: string } | undefined }>;
}

/** `**match**` in a snippet becomes <mark>; everything else is escaped. */
const marked = (snippet: string): Raw => html`${snippet.split('**').map((part, i) => (i % 2 ? html`<mark>${part}</mark>` : part))}`;

export function searchResults(r: SearchHits, base: string): Raw {
  if (!r.hits.length) return html`<p class="empty">No event matches “${r.query}”.</p>`;
  return html`<p>${r.total === 1 ? '1 event matches' : `${r.total} events match`}${r.hits.length < r.total ? `; the best ${r.hits.length}` : ''}:</p><ol class="events">${r.hits.map(
    (h) => html`<li><time datetime="${h.at}">${h.at.slice(0, 16).replace('T', ' ')}</time> <span class="type">${h.type}</span> ${h.repo ? html`<span class="repo">${h.repo}</span> ` : ''}${h.session ? html`<a href="${h.repo ? `/repos/${encodeURIComponent(h.repo)}` : base}/sessions/${encodeURIComponent(h.session.id)}#e-${h.id}">${h.session.stable} ${h.session.shortname}</a>` : ''} <span class="text">${marked(h.snippet)}</span></li>`,
  )}</ol>`;
}

export function renderSearchPage(input: { base: string; query: string; error?: { message: string; hint?: string }; results?: Raw }): string {
  const body = html`<h1>Search</h1>
<form role="search" action="${input.base}/search" method="get" class="big-search"><label for="q2">Find events by their text</label> <input id="q2" name="q" type="search" value="${input.query}"> <button type="submit">Search</button></form>
${input.error ? html`<div class="notice" role="alert"><p>${input.error.message}</p>${input.error.hint ? html`<p>${input.error.hint}</p>` : ''}</div>` : ''}
${input.results ?? ''}`;
  return page({ title: input.query ? `Search: ${input.query}` : 'Search', nav: 'search', base: input.base, body, query: input.query });
}
