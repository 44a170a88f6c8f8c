/**
 * The order index (src/timetravel/orderIndex.ts) is disposable and never
 * changes what a cut sees: after appends on two clones, fetches between them
 * and damage to the index or the event cache, the entries read through it
 * are exactly the journal's events in the one order (ids, order keys, item
 * keys and bodies), as read from git with no cache at all.
 */
import { existsSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Draft, JournalEvent } from '../../src/events.js';
import { Journal } from '../../src/journal.js';
import { Logbook } from '../../src/logbook.js';
import { GitStore } from '../../src/store/git.js';
import { cutFor, journalEntries } from '../../src/timetravel/index.js';
import { entriesOf } from '../../src/timetravel/entries.js';
import { prepare } from '../../projections/order.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';

const S = '20260102_1000_abcd';
const NOW = new Date('2030-01-01T00:00:00.000Z');

async function truth(gitdir: string): Promise<JournalEvent[]> {
  const { events } = await new GitStore(gitdir, { cacheDir: tempDir('logbook-nocache-') }).read();
  return prepare(events);
}

type Op =
  | { op: 'append'; who: 0 | 1; n: number }
  | { op: 'fetch'; into: 0 | 1 }
  | { op: 'damage'; what: 'index' | 'cache'; how: 'delete' | 'truncate' | 'garbage' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('append' as const), who: fc.constantFrom(0 as const, 1 as const), n: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('fetch' as const), into: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('damage' as const), what: fc.constantFrom('index' as const, 'cache' as const), how: fc.constantFrom('delete' as const, 'truncate' as const, 'garbage' as const) }) },
);

const drafts = (n: number, k: number): Draft[] =>
  Array.from({ length: n }, (_, i): Draft =>
    i % 3 === 0
      ? { type: 'item.linked', session: S, data: { key: `task:${(k + i) % 4}`, action: 'updated' } }
      : i % 3 === 1
        ? { type: 'session.checkpointed', session: S, data: { note: `n${k + i} ünïcode ✓` } }
        : { type: 'state.set', data: { focus: `f${k + i}` } },
  );

describe('the order index never changes what a cut sees', () => {
  it('entries through the index are the events in order, after appends, fetches and damage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const dirs = [makeRepo({ commit: false }), makeRepo({ commit: false })];
        const logbooks = dirs.map((dir, i) => new Logbook(new Journal({ store: new GitStore(path.join(dir, '.git')), replica: `replica${i}aaaaa`, actor: { name: `r${i}`, email: '' } })));
        await logbooks[0]!.journal.append([{ type: 'session.started', session: S, data: { title: 'S', shortname: 's', taskIds: [], meta: {} } }]);
        let k = 0;
        for (const op of ops) {
          if (op.op === 'append') {
            await logbooks[op.who]!.load();
            await logbooks[op.who]!.journal.append(drafts(op.n, (k += op.n)));
          } else if (op.op === 'fetch') {
            const other = `refs/logbook/replicas/replica${1 - op.into}aaaaa`;
            if (git(dirs[1 - op.into]!, 'for-each-ref', other)) git(dirs[op.into]!, 'fetch', '-q', dirs[1 - op.into]!, `${other}:${other}`);
          } else {
            const dir = path.join(dirs[0]!, '.git', 'logbook', 'cache', ...(op.what === 'index' ? ['timetravel'] : []));
            const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(op.what === 'index' ? '.idx' : '.ndjson')) : [];
            for (const f of files) {
              const file = path.join(dir, f);
              if (op.how === 'delete') rmSync(file);
              if (op.how === 'truncate') truncateSync(file, 7);
              if (op.how === 'garbage') writeFileSync(file, '{"format":"logbook-order-index/2","count":3}\n}{garbage');
            }
          }
          for (const [i, logbook] of logbooks.entries()) {
            const gitdir = path.join(dirs[i]!, '.git');
            const expected = await truth(gitdir);
            // Twice: the first read builds or extends the index, the second reads it as saved.
            for (const round of [1, 2]) {
              const snap = await logbook.load();
              const entries = journalEntries(logbook, snap);
              const label = `replica ${i}, read ${round}, after ${JSON.stringify(op)}`;
              expect(entries.map((e) => [e.id, e.clock, e.at, e.type, e.session, e.itemKey]), label).toEqual(
                expected.map((e) => [e.id, e.clock, e.at, e.type, e.session, e.type === 'item.linked' ? e.data.key : undefined]),
              );
              expect(entries.map((e) => e.event()), label).toEqual(expected);
              // Times known in ms are the times' own, and a cut at any event's time (or just before it) is the text comparison's.
              expect(entries.every((e) => e.atMs === undefined || new Date(e.atMs).toISOString() === e.at), label).toBe(true);
              for (const e of expected.slice(-3)) {
                for (const when of [e.at, new Date(Date.parse(e.at) - 1).toISOString()]) {
                  expect(cutFor(entries, when, { now: NOW }).cut, `${label} at ${when}`).toBe(cutFor(entriesOf(expected), when, { now: NOW }).cut);
                }
              }
              if (expected.length) expect(readdirSync(path.join(gitdir, 'logbook', 'cache', 'timetravel')).some((f) => f.endsWith('.idx')), label).toBe(true);
            }
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});
