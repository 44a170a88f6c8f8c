/** Search results and one shown event as text for people and agents. Pure. */
import { eventSubject, stableId, type JournalEvent } from '../src/events.js';
import type { SearchResult } from '../src/search/search.js';
import type { ShownEvent } from '../src/search/show.js';
import { minute } from './time.js';

/**
 * One line per hit — id, type, session (stable id and short name), date,
 * actor/agent — then its text around the match, indented.
 */
export function renderSearchResults(r: SearchResult, face: 'cli' | 'mcp' = 'cli'): string {
  if (!r.hits.length) return `No event matches ${JSON.stringify(r.query)}.\n`;
  const lines: string[] = [];
  for (const h of r.hits) {
    const who = `${h.actor.name}${h.actor.agent ? `/${h.actor.agent}` : ''}`;
    const session = h.session ? `${h.session.stable} ${h.session.shortname}` : '-';
    lines.push(`${h.id}  ${h.type}  ${session}  ${minute(h.at)}  ${who}`, `    ${h.snippet}`);
  }
  const more = r.total > r.hits.length ? `${r.hits.length} of ${r.total} matches (${face === 'mcp' ? 'a higher limit' : '--limit N'} for more); ` : `${r.total} match${r.total === 1 ? '' : 'es'}; `;
  lines.push('', `${more}${face === 'mcp' ? 'the `show` tool (event: ID) gives' : '`logbook show ID` prints'} one in full.`);
  return `${lines.join('\n')}\n`;
}

function field(label: string, value: unknown): string[] {
  if (value === undefined || value === '' || (Array.isArray(value) && !value.length) || (typeof value === 'object' && value !== null && !Object.keys(value).length)) return [];
  if (Array.isArray(value)) return [`${label}:`, ...value.map((v) => `  - ${typeof v === 'string' ? v : JSON.stringify(v)}`)];
  if (typeof value === 'object' && value !== null) return [`${label}: ${Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`];
  const text = String(value);
  return text.includes('\n') ? [`${label}:`, ...text.split('\n').map((l) => `  ${l}`)] : [`${label}: ${text}`];
}

const around = (e: JournalEvent) => `  ${minute(e.at)}  ${e.id}  ${eventSubject(e)}`;

/** The event in full: envelope, every data field, and its place in its session. */
export function renderEvent(s: ShownEvent): string {
  const e = s.event;
  const who = `${e.actor.name} <${e.actor.email}>${e.actor.agent ? ` (${e.actor.agent}${e.actor.agentSession ? ` ${e.actor.agentSession}` : ''})` : ''}`;
  const lines = [`${e.type} ${e.id}`, `at: ${e.at}`, `by: ${who}`];
  if (e.session) {
    lines.push(s.session ? `session: ${s.session.stable} ${s.session.shortname} — ${s.session.title} (${s.session.status}, ${e.session})` : `session: ${stableId(e.session)} (${e.session}, not started in this journal)`);
  }
  if (s.redacted) lines.push('redacted: its text is hidden by a redaction event');
  lines.push('');
  for (const [k, v] of Object.entries(e.data)) lines.push(...field(k, v));
  if (s.before.length || s.after.length) {
    lines.push('', 'in its session:');
    lines.push(...s.before.map(around), `> ${minute(e.at)}  ${e.id}  ${eventSubject(e)}`, ...s.after.map(around));
  }
  return `${lines.join('\n')}\n`;
}
