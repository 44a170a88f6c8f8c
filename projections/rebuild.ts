/**
 * The rebuild plan: every file of the `.logbook/` tree, computed from the
 * events alone. Same events (in any delivery order, with duplicates) give the
 * same paths and the same bytes on every replica: nothing here reads a clock,
 * and staleness is measured against the latest event time. Pure: no I/O; the
 * writer in src/rebuild.ts puts the plan on disk.
 */
import type { JournalEvent } from '../src/events.js';
import { commitView, evolveCommits, initialCommitsState, sessionCommits } from './commits.js';
import { agendaProjection, agendaViews, renderAgendaJson, renderAgendaMarkdown } from './agenda.js';
import { itemsProjection, renderItemsJson, renderItemsMarkdown, sessionItemsOf } from './items.js';
import { prepare } from './order.js';
import { renderProgressFile, renderSessionFile } from './sessionFile.js';
import { evolveSessions, initialSessionsState, isOpen } from './sessions.js';
import { renderStateJson, stateProjection } from './state.js';
import { renderStats, renderStatsJson } from './stats.js';

/** The top-level files a rebuild owns (besides everything under `sessions/`). */
export const TOP_LEVEL_FILES = ['agenda.md', 'agenda.json', 'items.json', 'items.md', 'state.json', 'stats.json'] as const;
/** The folder a rebuild owns entirely. */
export const SESSIONS_DIR = 'sessions';

export interface RebuildPlanOptions {
  /** Open sessions idle longer than this before the latest event count as stale in stats.json (default 24 h). */
  staleAfterMs?: number;
}

/**
 * Relative path (always `/`-separated) -> file contents, for the whole tree.
 *
 * @example
 * const plan = rebuildPlan(snapshot.events);
 * plan.get('agenda.md'); // '# Agenda\n…'
 */
export function rebuildPlan(events: readonly JournalEvent[], options: RebuildPlanOptions = {}): Map<string, string> {
  const ordered = prepare(events);
  const sessions = initialSessionsState();
  const items = itemsProjection.initial();
  const agenda = agendaProjection.initial();
  const state = stateProjection.initial();
  const commits = initialCommitsState();
  const bySession = new Map<string, JournalEvent[]>();
  for (const e of ordered) {
    evolveSessions(sessions, e);
    itemsProjection.evolve(items, e);
    agendaProjection.evolve(agenda, e);
    stateProjection.evolve(state, e);
    evolveCommits(commits, e);
    if (e.session) {
      let list = bySession.get(e.session);
      if (!list) bySession.set(e.session, (list = []));
      list.push(e);
    }
  }

  const plan = new Map<string, string>();
  const itemsOf = sessionItemsOf(items);
  const claim = (preferred: string, fallback: string) => (plan.has(preferred) ? fallback : preferred);
  for (const id of sessions.order) {
    const s = sessions.sessions.get(id)!;
    const folder = isOpen(s) ? 'active' : 'archive';
    // Two sessions can share shortname and suffix (two replicas, one chance in 1.6 million): the later one gets its full id.
    const file = claim(`${SESSIONS_DIR}/${folder}/${s.shortname}-${s.suffix}.md`, `${SESSIONS_DIR}/${folder}/${s.shortname}-${s.id}.md`);
    plan.set(file, renderSessionFile(s, { items: itemsOf(s.id), commits: sessionCommits(commits, s.id).map((r) => commitView(commits, r)) }));
    const progress = claim(`${SESSIONS_DIR}/journal/${s.suffix}/progress.md`, `${SESSIONS_DIR}/journal/${s.id}/progress.md`);
    plan.set(progress, renderProgressFile(s, bySession.get(s.id) ?? []));
  }
  const views = agendaViews(agenda, sessions);
  plan.set('agenda.md', renderAgendaMarkdown(views));
  plan.set('agenda.json', renderAgendaJson(views));
  plan.set('items.json', renderItemsJson(items));
  plan.set('items.md', renderItemsMarkdown(items));
  plan.set('state.json', renderStateJson(state));
  plan.set('stats.json', renderStatsJson(renderStats(sessions, options.staleAfterMs === undefined ? {} : { staleAfterMs: options.staleAfterMs })));
  return plan;
}
