/**
 * The store contract: every EventStore implementation passes these tests
 * (emmett's testEventStore(factory) pattern).
 */
import { describe, expect, it } from 'vitest';
import { isLogbookError } from '../../src/errors.js';
import type { EventStore } from '../../src/store/types.js';
import { ev } from '../helpers/events.js';

const S = '20260102_1000_abcd';

export function testEventStore(name: string, factory: () => Promise<EventStore>): void {
  describe(`${name} store contract`, () => {
    it('starts empty', async () => {
      const store = await factory();
      expect(await store.head()).toEqual({ tips: {}, maxClock: 0 });
      const r = await store.read();
      expect(r.events).toEqual([]);
      expect(r.unreadable).toEqual([]);
    });

    it('round-trips events exactly, per replica', async () => {
      const store = await factory();
      const a = ev({ type: 'session.started', session: S, data: { title: 'T', shortname: 't', taskIds: [], meta: {} } }, { clock: 1, replica: 'replicaaaaaa' });
      const b = ev({ type: 'decision', session: S, data: { text: 'Lock before check', rationale: 'simplest', options: ['a', 'b'] } }, { clock: 2, replica: 'replicaaaaaa' });
      const c = ev({ type: 'next', session: S, data: { text: 'ünïcødé ✓ and "quotes"\nnewline' } }, { clock: 3, replica: 'replicabbbbb' });
      const t1 = await store.append({ replica: 'replicaaaaaa', events: [a, b], expectedTip: null });
      await store.append({ replica: 'replicabbbbb', events: [c], expectedTip: null });
      const r = await store.read();
      const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : 1);
      expect([...r.events].sort(byId)).toEqual([a, b, c].sort(byId));
      expect(r.tips['replicaaaaaa']).toBe(t1.tip);
      expect(Object.keys(r.tips).sort()).toEqual(['replicaaaaaa', 'replicabbbbb']);
      expect((await store.head()).maxClock).toBe(3);
    });

    it('rejects an append whose expected tip moved, keeping what was there', async () => {
      const store = await factory();
      const a = ev({ type: 'next', session: S, data: { text: 'one' } }, { clock: 1 });
      const b = ev({ type: 'next', session: S, data: { text: 'two' } }, { clock: 2 });
      const { tip } = await store.append({ replica: 'replicaaaaaa', events: [a], expectedTip: null });
      let error: unknown;
      try {
        await store.append({ replica: 'replicaaaaaa', events: [b], expectedTip: null });
      } catch (e) {
        error = e;
      }
      expect(isLogbookError(error, 'CONFLICT')).toBe(true);
      const r = await store.read();
      expect(r.events.map((e) => e.id)).toEqual([a.id]);
      expect(r.tips['replicaaaaaa']).toBe(tip);
      await store.append({ replica: 'replicaaaaaa', events: [b], expectedTip: tip });
      expect((await store.read()).events.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    });

    it('reads at given tips: only what those tips reach, never a replica that came later', async () => {
      const store = await factory();
      const a = ev({ type: 'next', session: S, data: { text: 'one' } }, { clock: 1, replica: 'replicaaaaaa' });
      const b = ev({ type: 'next', session: S, data: { text: 'two' } }, { clock: 2, replica: 'replicaaaaaa' });
      const c = ev({ type: 'next', session: S, data: { text: 'three' } }, { clock: 3, replica: 'replicabbbbb' });
      const { tip } = await store.append({ replica: 'replicaaaaaa', events: [a], expectedTip: null });
      const then = (await store.read()).tips;
      await store.append({ replica: 'replicaaaaaa', events: [b], expectedTip: tip });
      await store.append({ replica: 'replicabbbbb', events: [c], expectedTip: null });
      const now = await store.read();
      expect(now.events).toHaveLength(3);
      const past = await store.read({ at: then });
      expect(past.events.map((e) => e.id)).toEqual([a.id]);
      expect(past.tips).toEqual(then);
      expect((await store.read({ at: now.tips })).events.map((e) => e.id).sort()).toEqual([a.id, b.id, c.id].sort());
      let error: unknown;
      try {
        await store.read({ at: { replicaaaaaa: 'f'.repeat(40) } });
      } catch (e) {
        error = e;
      }
      expect(isLogbookError(error, 'CONFLICT')).toBe(true);
    });

    it('reads incrementally appended events after earlier reads', async () => {
      const store = await factory();
      let tip: string | null = null;
      for (let i = 1; i <= 5; i++) {
        const e = ev({ type: 'progress', session: S, data: { text: `step ${i}`, status: 'current' } }, { clock: i });
        tip = (await store.append({ replica: 'replicaaaaaa', events: [e], expectedTip: tip })).tip;
        expect((await store.read()).events).toHaveLength(i);
      }
    });
  });
}
