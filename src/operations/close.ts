/**
 * The `close` request: the events that close one open session, for
 * `logbook close` and `logbook group close` alike. Pure: the caller appends them.
 */
import { LogbookError } from '../errors.js';
import { taskKey, type Draft, type EventData } from '../events.js';
import type { ItemsState } from '../../projections/items.js';
import type { Session } from '../../projections/sessions.js';

export interface CloseOptions {
  outcome: 'completed' | 'abandoned';
  reason?: string;
  summary?: string;
  learnings?: string[];
}

/** An abandoned session must say why; refused before anything is read. */
export function checkClose(options: CloseOptions): void {
  if (options.outcome === 'abandoned' && !options.reason?.trim()) {
    throw new LogbookError('INVALID_INPUT', '--abandon needs --reason', { hint: 'say why: --reason "requirements changed"' });
  }
}

/**
 * The `session.closed` event of `s` and, when it completed, an `item.linked`
 * completion of each task it still holds: not those migrated on to another
 * session, nor those already completed.
 */
export function closeDrafts(s: Session, items: ItemsState, options: CloseOptions): { drafts: Draft[]; tasksCompleted: string[] } {
  const holds = (t: string) => {
    const item = items.items.get(taskKey(t));
    return !item || (item.current_session === s.id && item.status !== 'completed');
  };
  const tasksCompleted = options.outcome === 'completed' ? s.taskIds.filter(holds) : [];
  const data: EventData<'session.closed'> = { outcome: options.outcome, learnings: (options.learnings ?? []).filter((l) => l.trim()), tasksCompleted };
  if (options.reason) data.reason = options.reason;
  if (options.summary) data.summary = options.summary;
  const drafts: Draft[] = [{ type: 'session.closed', session: s.id, data }];
  for (const t of tasksCompleted) drafts.push({ type: 'item.linked', session: s.id, data: { key: taskKey(t), action: 'completed' } });
  return { drafts, tasksCompleted };
}
