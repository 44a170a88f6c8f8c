/**
 * The cache is disposable: whatever happens to it (appends, fetches of older
 * or newer events, truncation, garbage, deletion), the cached path yields
 * exactly what a read from git with no cache at all yields.
 */
import { existsSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import stringify from 'fast-json-stable-stringify';
import { describe, expect, it } from 'vitest';
import type { Draft, JournalEvent } from '../../src/events.js';
import { Journal, type Snapshot } from '../../src/journal.js';
import { GitStore } from '../../src/store/git.js';
import { projectItems, serializeItems } from '../../projections/items.js';
import { prepare } from '../../projections/order.js';
import { projectSessions } from '../../projections/sessions.js';
import { renderSessionFile } from '../../projections/sessionFile.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';

const S = '20260102_1000_abcd';

function view(events: readonly JournalEvent[], sessions: Snapshot['sessions'], items: Snapshot['items']): string {
  return stringify({ ids: events.map((e) => e.id), sessions: { order: sessions.order, all: sessions.order.map((id) => sessions.sessions.get(id)), bindings: [...sessions.clientBindings], messages: sessions.messages }, items: serializeItems(items), files: [...sessions.sessions.values()].map((s) => renderSessionFile(s)) });
}

async function truth(gitdir: string): Promise<string> {
  const { events } = await new GitStore(gitdir, { cacheDir: tempDir('logbook-nocache-') }).read();
  const ordered = prepare(events);
  return view(ordered, projectSessions(ordered), projectItems(ordered));
}

type Op =
  | { op: 'append'; who: 0 | 1; n: number; text: string }
  | { op: 'fetch'; into: 0 | 1 }
  | { op: 'session'; who: 0 | 1; close: boolean; pick: number }
  | { op: 'damage'; how: 'delete' | 'truncate' | 'garbage'; file: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('append' as const), who: fc.constantFrom(0 as const, 1 as const), n: fc.integer({ min: 1, max: 20 }), text: fc.constantFrom('a', 'b', 'c') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('fetch' as const), into: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('session' as const), who: fc.constantFrom(0 as const, 1 as const), close: fc.boolean(), pick: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('damage' as const), how: fc.constantFrom('delete' as const, 'truncate' as const, 'garbage' as const), file: fc.nat(5) }) },
);

function drafts(n: number, text: string, k: number, sessions: string[]): Draft[] {
  return Array.from({ length: n }, (_, i): Draft => {
    const session = sessions[(k + i) % sessions.length]!; // closed sessions too: an event may arrive for one
    return i % 3 === 0
      ? { type: 'progress', session, data: { text: `${text}${k + i}`, status: i % 2 ? 'done' : 'current' } }
      : i % 3 === 1
        ? { type: 'item.linked', session, data: { key: `task:${(k + i) % 5}`, action: i % 2 ? 'created' : 'completed' } }
        : { type: 'next', session, data: { text: `${text}${(k + i) % 7}` } };
  });
}

describe('the cache never changes what is read', () => {
  it('cached and uncached reads agree after appends, fetches and damage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        const dirs = [makeRepo({ commit: false }), makeRepo({ commit: false })];
        // Save the cached views after every new event, so every save path is exercised.
        const journals = dirs.map((dir, i) => new Journal({ store: new GitStore(path.join(dir, '.git')), replica: `replica${i}aaaaa`, actor: { name: `r${i}`, email: '' }, cacheSaveAfter: 1 }));
        const sessions = [S];
        await journals[0]!.append([{ type: 'session.started', session: S, data: { title: 'S', shortname: 's', taskIds: [], meta: {} } }]);
        git(dirs[1]!, 'fetch', '-q', dirs[0]!, 'refs/logbook/*:refs/logbook/*');
        let k = 0;
        for (const op of ops) {
          if (op.op === 'append') {
            await journals[op.who]!.load();
            await journals[op.who]!.append(drafts(op.n, op.text, (k += op.n), sessions));
          } else if (op.op === 'session') {
            await journals[op.who]!.load();
            if (op.close) {
              await journals[op.who]!.append([{ type: 'session.closed', session: sessions[op.pick % sessions.length]!, data: { outcome: 'completed', learnings: [], tasksCompleted: [] } }]);
            } else {
              const id = `20260102_11${String(sessions.length).padStart(2, '0')}_s${String(sessions.length).padStart(3, '0')}`;
              sessions.push(id);
              await journals[op.who]!.append([{ type: 'session.started', session: id, data: { title: id, shortname: `s${sessions.length}`, taskIds: [], meta: {} } }]);
            }
          } else if (op.op === 'fetch') {
            const other = `refs/logbook/replicas/replica${1 - op.into}aaaaa`;
            if (git(dirs[1 - op.into]!, 'for-each-ref', other)) git(dirs[op.into]!, 'fetch', '-q', dirs[1 - op.into]!, `${other}:${other}`);
          } else {
            const cache = path.join(dirs[0]!, '.git', 'logbook', 'cache');
            const files = existsSync(cache) ? readdirSync(cache).sort() : [];
            const file = files.length ? path.join(cache, files[op.file % files.length]!) : undefined;
            if (file && op.how === 'delete') rmSync(file);
            if (file && op.how === 'truncate') truncateSync(file, 7);
            if (file && op.how === 'garbage') writeFileSync(file, '{"version":1,"tips":{"x":"y"},"data":{}}\n}{garbage');
          }
          for (const [i, journal] of journals.entries()) {
            const snap = await journal.load();
            journal.loadSessions(snap);
            expect(JSON.parse(view(await journal.events(snap), snap.sessions, snap.items)), `replica ${i} after ${JSON.stringify(op)}`).toEqual(JSON.parse(await truth(path.join(dirs[i]!, '.git'))));
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
