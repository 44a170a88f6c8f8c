/** Pure formatters for terminal output. */
import type { JournalEvent } from '../src/events.js';
import { eventSubject } from '../src/events.js';
import type { SessionHeader } from '../projections/sessions.js';
import { inline } from '../projections/text.js';
import { minute } from '../projections/time.js';


export function sessionLine(s: SessionHeader, extra = ''): string {
  return inline(`${s.stable}  ${s.status.padEnd(9)}  ${minute(s.updatedAt)}  ${s.shortname}${s.title !== s.shortname ? ` — ${s.title}` : ''}${s.group ? `  [group ${s.group}]` : ''}${extra}`);
}

export function eventLine(e: JournalEvent): string {
  return inline(`${minute(e.at)}  ${e.actor.name}${e.actor.agent ? `/${e.actor.agent}` : ''}  ${eventSubject(e)}`);
}
