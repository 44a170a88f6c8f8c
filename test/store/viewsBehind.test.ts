/**
 * The views are saved only every 64 new events, so the event cache is often
 * ahead of them (another command read in between). A read then takes the
 * events after the views' tips from the end of the event cache instead of
 * walking the commits; whatever commands run in whatever order, it reads
 * exactly what a read from git with no cache reads.
 */
import path from 'node:path';
import fc from 'fast-check';
import stringify from 'fast-json-stable-stringify';
import { describe, expect, it } from 'vitest';
import { Journal, type Snapshot } from '../../src/journal.js';
import type { JournalEvent } from '../../src/events.js';
import { GitStore } from '../../src/store/git.js';
import { projectItems, serializeItems } from '../../projections/items.js';
import { prepare } from '../../projections/order.js';
import { projectSessions } from '../../projections/sessions.js';
import { makeRepo, tempDir } from '../helpers/repo.js';

const S = '20260102_1000_abcd';
const view = (events: readonly JournalEvent[], sessions: Snapshot['sessions'], items: Snapshot['items']) =>
  stringify({ ids: events.map((e) => e.id), sessions: sessions.order.map((id) => sessions.sessions.get(id)), items: serializeItems(items) });

describe('views behind the event cache', () => {
  it('a read after another command moved the event cache on gives what git holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ who: fc.nat(2), n: fc.integer({ min: 0, max: 12 }), gitBinary: fc.boolean() }), { minLength: 2, maxLength: 8 }), async (ops) => {
        const dir = makeRepo({ commit: false });
        const gitdir = path.join(dir, '.git');
        // Three commands on one clone, each with its own store (as separate processes are).
        const open = (gitBinary: boolean) => new Journal({ store: new GitStore(gitdir, gitBinary ? {} : { gitBinary: null }), replica: 'replicaaaaaaa', actor: { name: 'a', email: 'a@example.com' } });
        await open(true).append([{ type: 'session.started', session: S, data: { title: 't', shortname: 'tt', taskIds: [], meta: {} } }]);
        let k = 0;
        for (const op of ops) {
          const journal = open(op.gitBinary);
          const snap = await journal.load();
          journal.loadSessions(snap);
          const { events } = await new GitStore(gitdir, { cacheDir: tempDir('logbook-nocache-') }).read();
          const ordered = prepare(events);
          expect(view(await journal.events(snap), snap.sessions, snap.items)).toBe(view(ordered, projectSessions(ordered), projectItems(ordered)));
          if (op.n) await journal.append(Array.from({ length: op.n }, (_, i) => (i % 2 ? { type: 'next' as const, session: S, data: { text: `n${k++}` } } : { type: 'item.linked' as const, session: S, data: { key: `task:${k++ % 3}`, action: 'created' as const } })));
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
