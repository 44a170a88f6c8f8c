/**
 * Project state (seed 004's project todo list, current focus and next steps),
 * from `state.set` events. Each event replaces the fields it carries and
 * leaves the others as they were. A fold `{ initial, evolve }` plus pure
 * renderers. Pure: no I/O.
 */
import type { JournalEvent } from '../src/events.js';
import { foldStep, ignoring } from './registry.js';

export interface ProjectState {
  todo: string[];
  focus: string | null;
  next: string[];
  updated_at: string | null;
  updated_by: string | null;
  /** Session the last change was made from, if any. */
  updated_in: string | null;
}

export const stateProjection = {
  initial: (): ProjectState => ({ todo: [], focus: null, next: [], updated_at: null, updated_by: null, updated_in: null }),

  /** Apply one event (mutates and returns `state`: a fold step). */
  evolve: foldStep<ProjectState>({
    'state.set': (state, e) => {
      if (e.data.todo) state.todo = [...e.data.todo];
      if (e.data.focus !== undefined) state.focus = e.data.focus || null;
      if (e.data.next) state.next = [...e.data.next];
      state.updated_at = e.at;
      state.updated_by = e.actor.agent ? `${e.actor.name} (${e.actor.agent})` : e.actor.name;
      state.updated_in = e.session ?? null;
    },
    ...ignoring(
      'session.started', 'session.paused', 'session.resumed', 'session.checkpointed', 'session.compacted', 'session.closed', 'subsession.started',
      'subsession.ended', 'progress', 'decision', 'discovery', 'blocker', 'blocker.resolved', 'next', 'context', 'item.linked', 'items.migrated',
      'agent.started', 'agent.finished', 'tool.used', 'transcript.linked', 'message.sent', 'message.read', 'redaction', 'commit.linked'
    ),
  }),
};

export function projectState(events: readonly JournalEvent[]): ProjectState {
  const state = stateProjection.initial();
  for (const e of events) stateProjection.evolve(state, e);
  return state;
}

export function renderStateJson(state: ProjectState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** The project state as markdown, for `logbook state`. */
export function renderStateMarkdown(state: ProjectState): string {
  if (!state.updated_at) return '# Project state\n\nNothing set yet. Set it with: logbook state set --focus "…" --todo "…" --next "…"\n';
  const lines = ['# Project state', '', `**Focus**: ${state.focus ?? 'none'}`, '', '## Todo'];
  lines.push(...(state.todo.length ? state.todo.map((t) => `- [ ] ${t}`) : ['- None']));
  lines.push('', '## Next steps');
  lines.push(...(state.next.length ? state.next.map((t, i) => `${i + 1}. ${t}`) : ['- None']));
  lines.push('', `_Updated ${state.updated_at.slice(0, 16).replace('T', ' ')} by ${state.updated_by}${state.updated_in ? ` in ${state.updated_in}` : ''}._`);
  return `${lines.join('\n')}\n`;
}
