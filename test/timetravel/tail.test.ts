/**
 * SessionStart's "since your previous session" reads the cache lines from the
 * end back to the reader's previous session only (tailSince). For random
 * journals (several refs, interleaved clocks, the same event through two refs,
 * redactions, actors with and without an agent) it finds the same moment and
 * the same events as previousSessionEnd over the whole ordered journal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStoredEvent, type JournalEvent } from '../../src/events.js';
import { entriesOfLines, tailSince } from '../../src/timetravel/entries.js';
import { previousSessionEnd } from '../../src/timetravel/index.js';
import { ev } from '../helpers/events.js';

const SESSIONS = ['20260102_1000_abcd', '20260102_1100_wxyz', '20260102_1200_qrst'];
const ACTORS = [{ name: 'Ada', email: 'ada@example.com' }, { name: 'Ada', email: 'ada@example.com', agent: 'claude-code' }, { name: 'Lin', email: 'lin@example.com', agent: 'codex' }];
const REPLICAS = ['replicaaaaaa', 'replicabbbbb', 'replicacccccc'];

const line = (e: JournalEvent, c = 'a'.repeat(40)) => {
  const parsed = parseStoredEvent(JSON.parse(JSON.stringify(e)));
  if (!parsed.ok) throw new Error(parsed.reason);
  return JSON.stringify({ c, e: parsed.event });
};
const before = (a: JournalEvent, b: JournalEvent) => a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const journal = fc
  .array(
    fc.record({ replica: fc.nat(2), session: fc.nat(3), actor: fc.nat(2), clock: fc.integer({ min: 1, max: 30 }), redact: fc.boolean(), copy: fc.boolean() }),
    { minLength: 0, maxLength: 40 },
  )
  .map((specs) => {
    const refs: JournalEvent[][] = REPLICAS.map(() => []);
    const all: JournalEvent[] = [];
    specs.forEach((s, i) => {
      const session = s.session < 3 ? SESSIONS[s.session] : undefined;
      const target = all[i % Math.max(1, all.length)];
      const draft = s.redact && target?.session ? { type: 'redaction' as const, session: target.session, data: { event: target.id } } : session ? { type: 'decision' as const, session, data: { text: `d${i} password=hunter2${i}` } } : { type: 'state.set' as const, data: { focus: `f${i}` } };
      const e = ev(draft as never, { clock: s.clock + (target && s.redact ? target.clock : 0), replica: REPLICAS[s.replica], actor: ACTORS[s.actor] });
      all.push(e);
      refs[s.replica]!.push(e);
      if (s.copy) refs[(s.replica + 1) % 3]!.push(e); // the same event through another ref
    });
    return refs.map((r) => r.sort(before));
  });

describe('the catch-up read from the end', () => {
  it('finds the moment and events previousSessionEnd finds over the whole journal', () => {
    fc.assert(
      fc.property(journal, fc.nat(2), fc.nat(2), (refs, meAt, currentAt) => {
        const me = ACTORS[meAt]!;
        const current = SESSIONS[currentAt]!;
        const lines = refs.map((r) => r.map((e) => line(e)));
        const entries = entriesOfLines(lines.flat());
        const moment = previousSessionEnd(entries, me, current);
        const tail = tailSince(lines.map((l) => [...l].reverse()), me, current);
        expect(tail).toBeDefined();
        if (moment.kind === 'start') expect(tail!.at).toBeUndefined();
        else {
          expect(tail!.at).toBe(moment.at);
          expect(tail!.events).toEqual(entries.slice(moment.cut).map((e) => e.event()));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives up (the caller reads the whole journal) when a ref holds its lines out of order', () => {
    const a = ev({ type: 'next', session: SESSIONS[0]!, data: { text: 'a' } }, { clock: 5 });
    const b = ev({ type: 'next', session: SESSIONS[1]!, data: { text: 'b' } }, { clock: 2 });
    const c = ev({ type: 'next', session: SESSIONS[1]!, data: { text: 'c' } }, { clock: 9 });
    expect(tailSince([[line(c), line(a), line(b)].reverse()], ACTORS[2]!, SESSIONS[2]!)).toBeUndefined();
  });
});
