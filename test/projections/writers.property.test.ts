/**
 * The writers' marks (SessionsState.actors) answer "where did this writer
 * last write outside session S" exactly as reading the journal backwards
 * would, for every writer and every session, whatever the interleaving —
 * and whether the state was folded at once or from a prefix saved as JSON
 * (as the views cache keeps it) and then the rest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/events.js';
import { prepare } from '../../projections/order.js';
import { evolveSessions, lastWrittenElsewhere, projectSessions, type SessionsState } from '../../projections/sessions.js';
import { journalArb } from '../helpers/journalArb.js';

/** The newest event (journal order) by `actor` in a session other than `current`: what the catch-up used to walk back to. */
function bruteForce(ordered: readonly JournalEvent[], actor: JournalEvent['actor'], current: string): string | undefined {
  for (let i = ordered.length - 1; i >= 0; i--) {
    const e = ordered[i]!;
    if (e.session && e.session !== current && e.actor.email === actor.email && (e.actor.agent ?? '') === (actor.agent ?? '')) return e.id;
  }
  return undefined;
}

describe("the writers' marks", () => {
  it('say where each writer last wrote outside any session, folded at once or in two parts', () => {
    fc.assert(
      fc.property(journalArb(), fc.nat(), (built, split) => {
        const ordered = prepare(built.events);
        const whole = projectSessions(ordered);
        const cut = ordered.length ? split % (ordered.length + 1) : 0;
        const part = projectSessions(ordered.slice(0, cut));
        const revived: SessionsState = { ...part, actors: new Map(JSON.parse(JSON.stringify([...part.actors]))) };
        for (const e of ordered.slice(cut)) evolveSessions(revived, e);
        const writers = [...new Map(ordered.map((e) => [`${e.actor.email}/${e.actor.agent ?? ''}`, e.actor])).values()];
        const sessions = [...new Set(ordered.map((e) => e.session).filter((s): s is string => !!s)), 'none-such'];
        for (const actor of writers) {
          for (const current of sessions) {
            const want = bruteForce(ordered, actor, current);
            expect(lastWrittenElsewhere(whole, actor, current)?.id).toBe(want);
            expect(lastWrittenElsewhere(revived, actor, current)?.id).toBe(want);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
