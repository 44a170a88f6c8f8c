/** `logbook show EVENT`: one event in full, found by its id or a unique prefix, with its session around it. */
import { LogbookError } from '../errors.js';
import type { JournalEvent } from '../events.js';
import type { Snapshot } from '../journal.js';
import type { SessionHeader } from '../../projections/sessions.js';
import { sessionHeaders } from '../../projections/sessions.js';

export interface ShownEvent {
  event: JournalEvent;
  session: SessionHeader | undefined;
  /** Events of the same session just before and after it, oldest first. */
  before: JournalEvent[];
  after: JournalEvent[];
  /** A redaction hides this event's text. */
  redacted: boolean;
}

/** The event `ref` names among `events` (the snapshot's, in order; full id or unique prefix, any case), with `around` events of its session each side. */
export function findEvent(snap: Snapshot, events: readonly JournalEvent[], ref: string, around = 2): ShownEvent {
  const r = ref.trim().toUpperCase();
  if (!r) throw new LogbookError('INVALID_INPUT', 'empty event id', { hint: 'pass an event id or its first characters, as `logbook search` prints them' });
  const exact = events.find((e) => e.id === r);
  const matches = exact ? [exact] : events.filter((e) => e.id.startsWith(r));
  if (!matches.length) throw new LogbookError('INVALID_INPUT', `no event has the id or prefix "${ref}"`, { hint: 'run `logbook search WORDS` to find an event id; `logbook sync` if it was written on another machine' });
  if (matches.length > 1) {
    throw new LogbookError('AMBIGUOUS_REFERENCE', `"${ref}" is the start of ${matches.length} event ids: ${matches.slice(0, 8).map((e) => `${e.id} (${e.type})`).join(', ')}${matches.length > 8 ? ', …' : ''}`, {
      hint: 'give more characters of the id',
      data: { candidates: matches.map((e) => e.id) },
    });
  }
  const event = matches[0]!;
  const session = event.session ? sessionHeaders(snap.sessions).find((s) => s.id === event.session) : undefined;
  const same = event.session ? events.filter((e) => e.session === event.session) : [event];
  const i = same.indexOf(event);
  const redacted = events.some((e) => e.type === 'redaction' && e.data.event === event.id);
  return { event, session, before: same.slice(Math.max(0, i - around), i), after: same.slice(i + 1, i + 1 + around), redacted };
}
