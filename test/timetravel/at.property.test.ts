/**
 * Time travel is a cut before the fold: for random journals (several
 * replicas, clocks that interleave, times that do not follow the order) and a
 * random WHEN, every view `--at WHEN` is byte for byte the view of a journal
 * that holds only the events up to the cut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Draft, JournalEvent } from '../../src/events.js';
import { Journal } from '../../src/journal.js';
import { Logbook } from '../../src/logbook.js';
import type { EventStore } from '../../src/store/types.js';
import { cutFor, eventsAt, loadAt, sessionAt, snapshotAt } from '../../src/timetravel/index.js';
import { prepare } from '../../projections/order.js';
import { rebuildPlan } from '../../projections/rebuild.js';
import { sessionItems } from '../../projections/items.js';
import { renderSessionFile } from '../../projections/sessionFile.js';
import { agendaViews, projectAgenda, renderAgendaMarkdown } from '../../projections/agenda.js';
import { renderStats } from '../../projections/stats.js';
import { ev } from '../helpers/events.js';

const S = '20260102_1000_abcd';
const T = '20260102_1100_wxyz';
const NOW = new Date('2026-01-03T00:00:00.000Z');

/** A read-only store over a fixed list of events (delivered in no particular order). */
function fixedStore(events: JournalEvent[]): EventStore {
  return {
    head: async () => ({ tips: {}, maxClock: Math.max(0, ...events.map((e) => e.clock)) }),
    append: async () => {
      throw new Error('read-only');
    },
    read: async () => ({ events: [...events], unreadable: [], tips: {} }),
    readNew: async () => ({ events: [...events], unreadable: [], tips: {}, complete: false }),
  };
}

const logbookOf = (events: JournalEvent[]) =>
  new Logbook(new Journal({ store: fixedStore(events), replica: 'replicaaaaaa', actor: { name: 'Ada', email: 'ada@example.com' }, now: () => NOW }));

const session = fc.constantFrom(S, T);
const text = fc.constantFrom('a', 'b', 'c', 'lock first', 'retry');
const draftArb: fc.Arbitrary<Draft> = fc.oneof(
  fc.record({ type: fc.constant('progress' as const), session, data: fc.record({ text, status: fc.constantFrom('done' as const, 'current' as const, 'todo' as const) }) }),
  fc.record({ type: fc.constant('decision' as const), session, data: fc.record({ text, rationale: text }) }),
  fc.record({ type: fc.constant('discovery' as const), session, data: fc.record({ text }) }),
  fc.record({ type: fc.constant('blocker' as const), session, data: fc.record({ text: fc.constantFrom('x', 'y') }) }),
  fc.record({ type: fc.constant('next' as const), session, data: fc.record({ text }) }),
  fc.record({ type: fc.constant('session.checkpointed' as const), session, data: fc.record({ note: text }) }),
  fc.record({ type: fc.constant('session.compacted' as const), session, data: fc.record({ trigger: fc.constantFrom('auto' as const, 'manual' as const), summary: text }) }),
  fc.record({ type: fc.constant('session.paused' as const), session, data: fc.constant({}) }),
  fc.record({ type: fc.constant('session.resumed' as const), session, data: fc.constant({}) }),
  fc.record({ type: fc.constant('item.linked' as const), session, data: fc.record({ key: fc.constantFrom('task:1', 'task:2', 'kb:node:z'), action: fc.constantFrom('created' as const, 'updated' as const, 'completed' as const) }) }),
  fc.record({ type: fc.constant('message.sent' as const), session, data: fc.record({ to: fc.record({ session }), text }) }),
  fc.record({ type: fc.constant('state.set' as const), data: fc.record({ focus: text }) }),
  fc.record({ type: fc.constant('session.closed' as const), session, data: fc.record({ outcome: fc.constantFrom('completed' as const, 'abandoned' as const), reason: text, learnings: fc.constant([] as string[]), tasksCompleted: fc.constant([] as string[]) }) }),
);

const starts = () => [
  ev({ type: 'session.started', session: S, data: { title: 'S', shortname: 's', taskIds: ['1'], meta: {}, group: 'g' } }, { clock: 1, id: '01J0000000000000000000000S', at: '2026-01-02T10:00:00.000Z' }),
  ev({ type: 'session.started', session: T, data: { title: 'T', shortname: 't', taskIds: [], meta: {} } }, { clock: 1, id: '01J0000000000000000000000T', replica: 'replicabbbbb', at: '2026-01-02T10:00:01.000Z' }),
];

/** Every view the CLI prints, as one string (session files, resume contexts, agenda, items, state, stats, the whole rebuild tree). */
function views(logbook: Logbook, snap: Awaited<ReturnType<Logbook['load']>>, events: readonly JournalEvent[]): string {
  const out: string[] = [];
  for (const id of snap.sessions.order) {
    const s = snap.sessions.sessions.get(id)!;
    out.push(renderSessionFile(s, { items: sessionItems(snap.items, id) }), logbook.resumeText(snap, s).text);
  }
  out.push(renderAgendaMarkdown(agendaViews(projectAgenda(events), snap.sessions)));
  out.push(JSON.stringify(renderStats(snap.sessions, { asOf: NOW })));
  out.push(JSON.stringify([...snap.items.items.values()]));
  out.push(...[...rebuildPlan(events)].map(([k, v]) => `${k}\n${v}`));
  return out.join('\n=====\n');
}

describe('a view --at WHEN is the view of the journal cut at WHEN', () => {
  it('for random journals and a random cut, every view equals the view of a journal holding only the events up to the cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(draftArb, fc.integer({ min: 2, max: 40 }), fc.constantFrom('replicaaaaaa', 'replicabbbbb'), fc.integer({ min: 0, max: 3600 })), { maxLength: 30 }),
        fc.nat(),
        fc.constantFrom('event', 'prefix', 'time', 'relative', 'checkpoint', 'compaction'),
        async (drafts, pick, form) => {
          const events = [...starts(), ...drafts.map(([d, clock, replica, sec]) => ev(d, { clock, replica, at: new Date(Date.UTC(2026, 0, 2, 10, 0, 2) + sec * 1000).toISOString() }))];
          const ordered = prepare(events);
          const marks = (type: string) => ordered.filter((e) => e.type === type && e.session === S);
          const target = ordered[pick % ordered.length]!;
          let when: string;
          if (form === 'event') when = target.id;
          else if (form === 'prefix') {
            // The shortest prefix naming only this event, in lower case.
            let k = 4;
            while (ordered.filter((e) => e.id.startsWith(target.id.slice(0, k))).length > 1) k++;
            when = target.id.slice(0, k).toLowerCase();
          }
          else if (form === 'time') when = target.at;
          else if (form === 'relative') when = `${Math.round((NOW.getTime() - Date.parse(target.at)) / 1000)}s`;
          else {
            const list = marks(form === 'checkpoint' ? 'session.checkpointed' : 'session.compacted');
            if (!list.length) return;
            when = `${form}:${(pick % list.length) + 1}`;
          }
          const full = logbookOf(events);
          const at = await loadAt(full, when, { session: S });
          const cut = at.moment!.cut;
          // The cut is a prefix of the one order every replica agrees on, and ends where WHEN says.
          if (form === 'event' || form === 'prefix') expect(ordered[cut - 1]!.id).toBe(target.id);
          if (form === 'time' || form === 'relative') {
            expect(ordered.slice(0, cut).every((e) => e.at <= target.at)).toBe(true);
            if (cut < ordered.length) expect(ordered[cut]!.at > target.at).toBe(true);
          }
          if (form === 'checkpoint' || form === 'compaction') expect(ordered[cut - 1]!.type).toBe(form === 'checkpoint' ? 'session.checkpointed' : 'session.compacted');
          const onlyPrefix = logbookOf(ordered.slice(0, cut).reverse());
          const prefixLoaded = await onlyPrefix.load();
          const expected = views(onlyPrefix, prefixLoaded, await onlyPrefix.journal.events(prefixLoaded));
          expect(views(full, at.snap, await eventsAt(full, at))).toBe(expected);
          // And the session as of the moment (resolved by today's reference) is the prefix journal's session.
          const prefixSnap = await onlyPrefix.load();
          // A one-session view (view, resume) folds only that session's events and the messages: the same bytes.
          const focused = await loadAt(full, when, { session: S, focus: true });
          for (const id of form === 'checkpoint' || form === 'compaction' ? [S] : [S, T]) {
            const then = prefixSnap.sessions.sessions.get(id);
            if (!then) continue;
            const one = await loadAt(full, when, { session: id, focus: true });
            const s = sessionAt(full, one, id);
            expect(renderSessionFile(s, { items: sessionItems(one.snap.items, id) })).toBe(renderSessionFile(then, { items: sessionItems(prefixSnap.items, id) }));
            expect(full.resumeText(one.snap, s).text).toBe(onlyPrefix.resumeText(prefixSnap, then).text);
          }
          expect(focused.moment).toEqual(at.moment);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a cut at the end is the live snapshot itself, and the same WHEN gives the same cut for any delivery order', async () => {
    const events = [...starts(), ev({ type: 'decision', session: S, data: { text: 'd' } }, { clock: 2 }), ev({ type: 'next', session: T, data: { text: 'n' } }, { clock: 2, replica: 'replicabbbbb' })];
    const lb = logbookOf(events);
    const snap = await lb.load();
    const all = await lb.journal.events(snap);
    expect(snapshotAt(snap, all, { cut: all.length })).toBe(snap);
    const a = cutFor(prepare(events), '1d', { now: NOW });
    const b = cutFor(prepare([...events].reverse()), '1d', { now: NOW });
    expect(a).toEqual(b);
  });
});
