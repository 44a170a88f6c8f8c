/**
 * `message send --to X`: X is normalised once, when the message is written, to
 * a session id or to an actor of this journal (`Name <email>`); showing it then
 * needs one comparison (projections/recipients.ts). A recipient nobody knows is
 * an error that lists the known ones, unless the sender says `--new-actor`.
 */
import { LogbookError, isLogbookError } from '../errors.js';
import type { Actor, JournalEvent } from '../events.js';
import { resolveSession } from '../sessions.js';
import { formatActorText, parseActorText } from '../../projections/recipients.js';
import { isOpen, sessionHeaders, type SessionsState } from '../../projections/sessions.js';

export type Recipient = { session: string } | { actor: string };

/** Every person who wrote to this journal, one per email (the latest name kept). */
export function knownActors(events: readonly JournalEvent[]): Array<{ name: string; email: string }> {
  const byEmail = new Map<string, { name: string; email: string }>();
  for (const e of events) byEmail.set(e.actor.email.toLowerCase(), { name: e.actor.name, email: e.actor.email });
  return [...byEmail.values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
}

/** The known actors `text` names: by email when it has one, else by name (or by an email written bare). */
function actorsNamed(text: string, actors: ReadonlyArray<Pick<Actor, 'name' | 'email'>>): Array<Pick<Actor, 'name' | 'email'>> {
  const t = parseActorText(text);
  const eq = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  if (t.email) return actors.filter((a) => eq(a.email, t.email!));
  return t.name ? actors.filter((a) => eq(a.name, t.name!)) : [];
}

export interface RecipientInput {
  sessions: SessionsState;
  events: readonly JournalEvent[];
  /** `--new-actor`: an actor who has not written to this journal yet is accepted as written. */
  newActor?: boolean;
}

/**
 * Resolve `--to`: `session:S` and `actor:A` say which kind is meant; otherwise a
 * session (id, s_xxxx, suffix, short name) or a known actor (`Name <email>`,
 * email, name); then a unique session prefix.
 *
 * @example resolveRecipient('Bob <bob@example.com>', { sessions, events }) // { actor: 'Bob <bob@example.com>' }
 */
export function resolveRecipient(to: string, input: RecipientInput): Recipient {
  const target = to.trim();
  const actors = knownActors(input.events);
  const hint = () => {
    const open = sessionHeaders(input.sessions).filter(isOpen);
    const people = actors.map((a) => formatActorText(a));
    return [
      people.length ? `known actors: ${people.join(', ')}` : 'no actor has written here yet',
      open.length ? `open sessions: ${open.map((s) => `${s.stable} (${s.shortname})`).join(', ')}` : 'no open session',
      'pass --new-actor to write to someone who has not written here yet',
    ].join('; ');
  };
  const asActor = (text: string): Recipient => {
    const hits = actorsNamed(text, actors);
    if (hits.length === 1) return { actor: formatActorText(hits[0]!) };
    if (hits.length > 1) {
      throw new LogbookError('AMBIGUOUS_REFERENCE', `"${text}" names ${hits.length} actors: ${hits.map((a) => formatActorText(a)).join(', ')}`, { hint: 'write the recipient as "Name <email>" or as an email' });
    }
    if (input.newActor) {
      const parsed = parseActorText(text);
      if (!parsed.name && !parsed.email) throw new LogbookError('INVALID_INPUT', '--to needs a recipient', { hint: 'for example --to "Bob <bob@example.com>"' });
      return { actor: formatActorText(parsed) };
    }
    throw new LogbookError('INVALID_INPUT', `no session or actor is called "${text}"`, { hint: hint() });
  };
  if (!target) throw new LogbookError('INVALID_INPUT', '--to needs a non-empty value', { hint: 'a session (id, s_xxxx, short name) or a person ("Name <email>", email or name)' });
  if (/^session:/i.test(target)) return { session: resolveSession(input.sessions, target.slice(8)).id };
  if (/^actor:/i.test(target)) return asActor(target.slice(6));
  const exact = sessionHeaders(input.sessions).filter((s) => s.id === target || s.stable === target || s.suffix === target || s.shortname === target);
  const people = actorsNamed(target, actors);
  if (exact.length && people.length) {
    throw new LogbookError('AMBIGUOUS_REFERENCE', `"${target}" names a session (${exact.map((s) => s.stable).join(', ')}) and an actor (${people.map((a) => formatActorText(a)).join(', ')})`, {
      hint: `say which: --to session:${target} or --to actor:${target}`,
    });
  }
  if (exact.length) return { session: resolveSession(input.sessions, target).id };
  if (people.length || input.newActor) return asActor(target);
  try {
    return { session: resolveSession(input.sessions, target).id };
  } catch (e) {
    if (!isLogbookError(e, 'UNKNOWN_SESSION')) throw e;
  }
  return asActor(target);
}
