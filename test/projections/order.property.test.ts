/**
 * The invariant that makes sharing work: the same set of events, delivered in
 * any order (through any interleaving of replicas), yields the same order and
 * the same projection bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Draft, JournalEvent } from '../../src/events.js';
import { Journal } from '../../src/journal.js';
import { MemoryStore } from '../../src/store/memory.js';
import { orderEvents, prepare } from '../../projections/order.js';
import { compareEvents } from '../../src/events.js';
import { renderResume } from '../../projections/resume.js';
import { projectSessions } from '../../projections/sessions.js';
import { renderSessionFile } from '../../projections/sessionFile.js';
import { ev } from '../helpers/events.js';

const S = '20260102_1000_abcd';
const T = '20260102_1100_wxyz';

const draftArb: fc.Arbitrary<Draft> = fc.oneof(
  fc.record({ type: fc.constant('progress' as const), session: fc.constantFrom(S, T), data: fc.record({ text: fc.constantFrom('a', 'b', 'c', 'd'), status: fc.constantFrom('done' as const, 'current' as const, 'todo' as const) }) }),
  fc.record({ type: fc.constant('decision' as const), session: fc.constantFrom(S, T), data: fc.record({ text: fc.string({ minLength: 1, maxLength: 12 }), rationale: fc.string({ minLength: 1, maxLength: 12 }) }) }),
  fc.record({ type: fc.constant('blocker' as const), session: fc.constantFrom(S, T), data: fc.record({ text: fc.constantFrom('x', 'y') }) }),
  fc.record({ type: fc.constant('next' as const), session: fc.constantFrom(S, T), data: fc.record({ text: fc.constantFrom('a', 'b', 'e') }) }),
  fc.record({ type: fc.constant('session.paused' as const), session: fc.constantFrom(S, T), data: fc.constant({}) }),
  fc.record({ type: fc.constant('session.resumed' as const), session: fc.constantFrom(S, T), data: fc.constant({}) }),
);

function render(events: JournalEvent[]): string {
  const ordered = prepare(events);
  const state = projectSessions(ordered);
  return [...state.sessions.values()].map((s) => renderSessionFile(s) + renderResume({ session: s })).join('\n=====\n');
}

const starts = [
  ev({ type: 'session.started', session: S, data: { title: 'S', shortname: 's', taskIds: [], meta: {} } }, { clock: 1, id: '01J0000000000000000000000S' }),
  ev({ type: 'session.started', session: T, data: { title: 'T', shortname: 't', taskIds: [], meta: {} } }, { clock: 1, id: '01J0000000000000000000000T', replica: 'replicabbbbb' }),
];

describe('the order itself', () => {
  it('is a stable sort by (clock, id) keeping the first of each id, whether the list is a few sorted runs (merged) or not (sorted)', () => {
    // Events named by small ids and clocks, so ties, duplicates through two refs and one id at two clocks (a forgery) all occur.
    const one = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.nat(3)).map(([clock, n, tag]) => ({ ...ev({ type: 'blocker', session: S, data: { text: `t${tag}` } }, { clock, id: `01J00000000000000000000${String(n).padStart(3, '0')}` }) }));
    const run = fc.array(one, { maxLength: 8 }).map((r) => [...r].sort(compareEvents));
    fc.assert(
      fc.property(fc.oneof(fc.array(run, { maxLength: 4 }).map((runs) => runs.flat()), fc.array(run, { minLength: 17, maxLength: 22 }).map((runs) => runs.flat()), fc.array(one, { maxLength: 40 })), (events) => {
        const seen = new Set<string>();
        // A list already in strict order is kept as it is (one id at two clocks stays twice: doctor reports it); any other is sorted and deduplicated.
        const strict = events.every((e, i) => i === 0 || compareEvents(events[i - 1]!, e) < 0);
        const expected = strict ? events : [...events].sort(compareEvents).filter((e) => !seen.has(e.id) && Boolean(seen.add(e.id)));
        const got = orderEvents(events);
        expect(got).toEqual(expected);
        got.forEach((e, i) => expect(e).toBe(expected[i])); // the same objects: among equals, the one a stable sort keeps first
      }),
      { numRuns: 500 },
    );
  });
});

describe('delivery order does not matter', () => {
  it('any permutation of the same events renders the same bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(draftArb, fc.integer({ min: 2, max: 6 }), fc.constantFrom('replicaaaaaa', 'replicabbbbb', 'replicacccc1')), { maxLength: 25 }),
        fc.infiniteStream(fc.nat()),
        (drafts, randomness) => {
          const events = [...starts, ...drafts.map(([d, clock, replica]) => ev(d, { clock, replica }))];
          const expected = render(events);
          const shuffled = [...events];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = randomness.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          expect(render(shuffled)).toBe(expected);
          expect(render([...shuffled, ...shuffled.slice(0, 3)])).toBe(expected); // duplicates via two refs
        },
      ),
      { numRuns: 150 },
    );
  });

  it('replicas that exchange events in any order converge on the same order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(2), fc.constantFrom('a', 'b', 'c')), { minLength: 1, maxLength: 15 }), fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { maxLength: 10 }), async (writes, exchanges) => {
        const stores = [new MemoryStore(), new MemoryStore(), new MemoryStore()];
        const journals = stores.map((store, i) => new Journal({ store, replica: `replica${i}aaaaa`, actor: { name: `r${i}`, email: '' } }));
        await journals[0]!.append([{ type: 'session.started', session: S, data: { title: 'S', shortname: 's', taskIds: [], meta: {} } }]);
        for (const s of stores.slice(1)) s.absorb(stores[0]!);
        let x = 0;
        for (const [who, text] of writes) {
          await journals[who]!.append([{ type: 'next', session: S, data: { text } }]);
          const ex = exchanges[x++ % Math.max(1, exchanges.length)];
          if (ex) stores[ex[1]]!.absorb(stores[ex[0]]!);
        }
        for (const a of stores) for (const b of stores) a.absorb(b);
        const views = await Promise.all(journals.map(async (j) => render(await j.events())));
        const orders = await Promise.all(journals.map(async (j) => (await j.events()).map((e) => e.id).join()));
        expect(new Set(views).size).toBe(1);
        expect(new Set(orders).size).toBe(1);
        // Lamport: an event never sorts before one its writer had already seen.
        const ordered = await journals[0]!.events();
        for (let i = 1; i < ordered.length; i++) expect(ordered[i]!.clock).toBeGreaterThanOrEqual(ordered[i - 1]!.clock);
      }),
      { numRuns: 60 },
    );
  });
});
