/**
 * The git store's cache lines read as entries (order key first, body on
 * demand) give exactly the events, order and deduplication `prepare` gives,
 * whatever the actor's name holds; a line in another shape is parsed whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStoredEvent, type JournalEvent } from '../../src/events.js';
import { entriesOfLines, entryOfLine } from '../../src/timetravel/entries.js';
import { prepare } from '../../projections/order.js';
import { ev } from '../helpers/events.js';

const S = '20260102_1000_abcd';
/** A line as the git store caches it: the event as parsed from its commit (schema key order). */
const line = (e: JournalEvent, c = 'a'.repeat(40)) => {
  const parsed = parseStoredEvent(JSON.parse(JSON.stringify(e)));
  if (!parsed.ok) throw new Error(parsed.reason);
  return JSON.stringify({ c, e: parsed.event });
};

describe('cache lines as entries', () => {
  it('reads id, clock, time, type and session without parsing, for any actor name; the body parses to the event', () => {
    fc.assert(
      fc.property(fc.string().map((s) => `n${s}`), fc.string(), fc.option(fc.string({ minLength: 1 }).map((s) => `a${s}`), { nil: undefined }), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), (name, email, agent, withSession, clock) => {
        const e = ev(
          withSession ? { type: 'decision', session: S, data: { text: `x}","clock":9,"type":"y` } } : { type: 'state.set', data: { focus: '}{"' } },
          { clock, actor: { name, email, ...(agent !== undefined ? { agent } : {}) } },
        );
        const entry = entryOfLine(line(e))!;
        expect({ id: entry.id, clock: entry.clock, at: entry.at, type: entry.type, session: entry.session }).toEqual({ id: e.id, clock: e.clock, at: e.at, type: e.type, session: e.session });
        expect(entry.event()).toEqual(e);
        // The key fields come from the line's head and tail, not from parsing it: a line whose body is cut still gives them.
        const cut = entryOfLine(line(e).slice(0, -3))!;
        expect([cut.id, cut.clock, cut.type, cut.session]).toEqual([e.id, e.clock, e.type, e.session]);
      }),
      { numRuns: 300 },
    );
  });

  it('skips unreadable commits, parses lines of another key order whole, and orders and deduplicates as prepare does', () => {
    const a = ev({ type: 'next', session: S, data: { text: 'a' } }, { clock: 3, replica: 'replicabbbbb' });
    const b = ev({ type: 'next', session: S, data: { text: 'b' } }, { clock: 2 });
    const c = ev({ type: 'next', session: S, data: { text: 'c' } }, { clock: 3 });
    const reordered = JSON.stringify({ e: { data: c.data, type: c.type, clock: c.clock, id: c.id, v: 1, at: c.at, session: c.session, actor: c.actor, replica: c.replica }, c: 'b'.repeat(40) });
    const lines = [line(a), JSON.stringify({ c: 'c'.repeat(40), u: { reason: 'not an event' } }), reordered, line(b), line(a), ''];
    const entries = entriesOfLines(lines);
    expect(entries.map((e) => e.event())).toEqual(prepare([a, b, c, a]));
  });

  it('a journal with a redaction is redacted, as every view sees it', () => {
    const d = ev({ type: 'decision', session: S, data: { text: 'the password is hunter2' } }, { clock: 1 });
    const r = ev({ type: 'redaction', session: S, data: { event: d.id } }, { clock: 2 });
    const entries = entriesOfLines([line(d), line(r)]);
    expect((entries[0]!.event() as Extract<JournalEvent, { type: 'decision' }>).data.text).toBe('[redacted]');
  });
});
