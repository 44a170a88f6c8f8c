/**
 * Who a message is for, decided the same way everywhere it is shown (resume
 * context, SessionStart, `message list`). A message names a session by its full
 * id, or an actor as `Name <email>`, an email, or a name (older events may hold
 * any of these forms): an email is compared with the reader's email, a bare
 * name with the reader's name, both ignoring case.
 */
import type { Actor } from '../src/events.js';
import type { Message, Session } from './sessions.js';

export interface ActorText {
  name?: string;
  email?: string;
}

/** `Bob <bob@example.com>` → both; `bob@example.com` → the email; anything else → a name. */
export function parseActorText(text: string): ActorText {
  const t = text.trim();
  const m = /^(.*?)\s*<([^<>\s]+)>$/.exec(t);
  if (m) return { ...(m[1]!.trim() ? { name: m[1]!.trim() } : {}), email: m[2]! };
  if (/^[^\s@<>]+@[^\s@<>]+$/.test(t)) return { email: t };
  return t ? { name: t } : {};
}

/** The one written form of an actor recipient: `Name <email>`, or whichever part is known. */
export function formatActorText(a: ActorText): string {
  if (a.name && a.email) return `${a.name} <${a.email}>`;
  return a.email ?? a.name ?? '';
}

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Does the actor text `to` name `reader`? An email decides when there is one; otherwise the name. */
export function actorTextMatches(to: string, reader: Pick<Actor, 'name' | 'email'>): boolean {
  const t = parseActorText(to);
  if (t.email) return same(t.email, reader.email);
  return same(t.name, reader.name) || same(t.name, reader.email);
}

/** Is message `m` addressed to `session`, or to `reader`? */
export function isMessageFor(m: Pick<Message, 'to'>, session: Pick<Session, 'id' | 'stable'>, reader?: Pick<Actor, 'name' | 'email'>): boolean {
  if (m.to.session !== undefined && (m.to.session === session.id || m.to.session === session.stable)) return true;
  return m.to.actor !== undefined && reader !== undefined && actorTextMatches(m.to.actor, reader);
}
