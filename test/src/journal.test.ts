/**
 * The journal's read and write contracts beyond the store's: snapshots are
 * plain values, the events are asked for explicitly (as of a snapshot's tips),
 * and appends are published to in-process subscribers.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLogbookError } from '../../src/errors.js';
import { Journal, initJournal, type Appended, type Snapshot } from '../../src/journal.js';
import { Logbook } from '../../src/logbook.js';
import { Repo } from '../../src/server/feed.js';
import { MemoryStore } from '../../src/store/memory.js';
import { GitStore } from '../../src/store/git.js';
import { readReplicaId } from '../../src/repo.js';
import { makeRepo } from '../helpers/repo.js';
import { renderStats } from '../../projections/stats.js';
import { viewsDiffer } from '../../src/viewsCache.js';

const actor = { name: 'Ada', email: 'ada@example.com' };

/** No getter anywhere on the snapshot or its session model, and no event list riding on it. */
function expectPlain(snap: Snapshot): void {
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(snap))) expect(d.get, `snapshot.${key} is a getter`).toBeUndefined();
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(snap.sessions))) expect(d.get, `sessions.${key} is a getter`).toBeUndefined();
  expect('events' in snap).toBe(false);
}

/** The closed sessions' header rows of the cache's views (in the headers file the core names). */
function headerRows(cache: string): Array<[string, ...unknown[]] & { 8: [string, number, number, string] }> {
  const core = JSON.parse(readFileSync(path.join(cache, 'views.json'), 'utf8')) as { data: { headersFile: string } };
  return (JSON.parse(readFileSync(path.join(cache, `${core.data.headersFile}.json`), 'utf8')) as { data: never }).data;
}

function gitJournal(): { dir: string; open: () => Journal } {
  const dir = makeRepo();
  initJournal({ cwd: dir });
  return { dir, open: () => Journal.open({ cwd: dir, env: {}, now: () => new Date('2026-01-02T10:00:00Z') }) };
}

/** A journal of three closed sessions (a, b, c), its cache removed: the next load folds them from the events and saves them. */
async function threeClosed(): Promise<{ dir: string; open: () => Journal; cache: string }> {
  const { dir, open } = gitJournal();
  const lb = new Logbook(open());
  for (const title of ['a', 'b', 'c']) {
    const { session } = await lb.start({ title });
    await lb.close({ outcome: 'completed' }, session.id);
  }
  const cache = path.join(dir, '.git', 'logbook', 'cache');
  rmSync(cache, { recursive: true, force: true });
  return { dir, open, cache };
}

describe('snapshots', () => {
  it('are plain values; events(snapshot) gives the events as of its tips, later appends left out', async () => {
    for (const make of [() => new Journal({ store: new MemoryStore(), replica: 'aaaaaaaaaaaa', actor }), gitJournal().open]) {
      const journal = make();
      const lb = new Logbook(journal);
      const { session } = await lb.start({ title: 'one' });
      await lb.close({ outcome: 'completed' }, session.id);
      await lb.start({ title: 'two' });
      const snap = await journal.load();
      expectPlain(snap);
      const before = await journal.events(snap);
      await lb.start({ title: 'three' });
      expect((await journal.events(snap)).map((e) => e.id)).toEqual(before.map((e) => e.id));
      const now = await journal.events();
      expect(now.length).toBeGreaterThan(before.length);
      expect(now.slice(0, before.length)).toEqual(before);
      expect(snap.sessions.eventCount).toBe(before.length);
    }
  });

  for (const damage of ['its bytes in the pack damaged', 'its pack gone'] as const) {
    it(`read from the cache: an event for a closed session with ${damage} is folded in like the uncached read`, async () => {
      const { open, cache } = await threeClosed();
      const fresh = await open().load(); // no cache: folded from the events, then saved
      // The three closed sessions' states in one pack, not a file each.
      const packs = readdirSync(cache).filter((f) => f.startsWith('views-p-'));
      expect(packs).toHaveLength(1);
      expect(readdirSync(cache).filter((f) => f.startsWith('views-s-'))).toEqual([]);
      const rows = headerRows(cache);
      expect(rows.map((r) => `views-p-${r[8][0]}.json`)).toEqual([packs[0], packs[0], packs[0]]);
      const pack = path.join(cache, packs[0]!);
      const [, start, length] = rows[1]![8];
      // The second one's state read alone, by its bytes.
      expect(JSON.parse(readFileSync(pack).subarray(start, start + length).toString('utf8'))).toEqual(fresh.sessions.sessions.get(fresh.sessions.order[1]!));
      if (damage === 'its pack gone') rmSync(pack);
      else writeFileSync(pack, readFileSync(pack).fill(0x20, start, start + length)); // same length: the others still read, the hash no longer matches
      // An event for the closed session whose state is damaged: read (and folded again) before the fold, not inside it.
      const b = fresh.sessions.order[1]!;
      await open().append([{ type: 'discovery', session: b, data: { text: 'found after closing' } }]);
      const reader = open();
      const cached = await reader.load({ headers: false, items: false });
      expectPlain(cached);
      // Read before the fold: the touched closed session is in memory, the others still on disk.
      expect([...cached.sessions.sessions.keys()]).toEqual([b]);
      reader.loadSessions(cached);
      rmSync(cache, { recursive: true, force: true });
      const truth = await open().load();
      expect([...cached.sessions.sessions.keys()]).toEqual([...truth.sessions.sessions.keys()]);
      expect(JSON.stringify([...cached.sessions.sessions.values()])).toBe(JSON.stringify([...truth.sessions.sessions.values()]));
      expect(truth.sessions.sessions.get(b)!.discoveries.map((d) => d.text)).toEqual(['found after closing']);
    });
  }

  it('read from the cache: a closed session whose bytes in the pack are damaged is folded again, the others read from the pack', async () => {
    const { open, cache } = await threeClosed();
    const truth = await open().load();
    const [pack] = readdirSync(cache).filter((f) => f.startsWith('views-p-'));
    const rows = headerRows(cache);
    const file = path.join(cache, pack!);
    // Damaged into other valid JSON of the same length (a state with another title): only the hash can tell.
    const [, start, length] = rows[2]![8];
    const text = readFileSync(file).subarray(start, start + length).toString('utf8');
    const forged = text.replace('"title":"c"', '"title":"X"');
    expect(forged).not.toBe(text);
    writeFileSync(file, Buffer.concat([readFileSync(file).subarray(0, start), Buffer.from(forged), readFileSync(file).subarray(start + length)]));
    const reader = open();
    const cached = await reader.load({ items: false });
    expect(reader.loadSessions(cached, [truth.sessions.order[2]!]).map((s) => s.title)).toEqual(['c']);
    reader.loadSessions(cached);
    expect(JSON.stringify([...cached.sessions.sessions.values()])).toBe(JSON.stringify([...truth.sessions.sessions.values()]));
  });
});

describe('closed sessions in packs', () => {
  it("doctor's comparison reads each closed state from its pack: a forged state (its hash in the header made to match) differs, a damaged one is left to the read that folds it again", async () => {
    const { dir, open, cache } = await threeClosed();
    const gitdir = path.join(dir, '.git');
    const journal = open();
    const truth = await journal.load();
    const events = await journal.events(truth);
    const store = new GitStore(gitdir);
    expect(viewsDiffer(store, events)).toBeUndefined();
    const core = JSON.parse(readFileSync(path.join(cache, 'views.json'), 'utf8')) as { data: { headersFile: string } };
    const headersPath = path.join(cache, `${core.data.headersFile}.json`);
    const headers = JSON.parse(readFileSync(headersPath, 'utf8')) as { data: Array<{ 8: [string, number, number, string] }> };
    const [packHash, start, length] = headers.data[2]![8];
    const file = path.join(cache, `views-p-${packHash}.json`);
    const text = readFileSync(file).subarray(start, start + length).toString('utf8');
    const forged = text.replace('"title":"c"', '"title":"X"');
    writeFileSync(file, Buffer.concat([readFileSync(file).subarray(0, start), Buffer.from(forged), readFileSync(file).subarray(start + length)]));
    expect(viewsDiffer(store, events)).toBeUndefined(); // its bytes are not the ones hashed: no view shows them
    headers.data[2]![8][3] = createHash('sha1').update(forged).digest('hex').slice(0, 12);
    writeFileSync(headersPath, JSON.stringify(headers));
    expect(viewsDiffer(store, events)).toBe(`closed session ${truth.sessions.order[2]} differs`);
  });


  it('a save writes the states new since the last one as one pack; packs stay few, and none is left that the headers do not name', async () => {
    const { dir } = gitJournal();
    const gitdir = path.join(dir, '.git');
    const cache = path.join(gitdir, 'logbook', 'cache');
    const open = () => new Journal({ store: new GitStore(gitdir), replica: readReplicaId(gitdir)!, actor, cacheSaveAfter: 1, now: () => new Date('2026-01-02T10:00:00Z') });
    const lb = new Logbook(open());
    const named = () => new Set(headerRows(cache).map((r) => `views-p-${r[8][0]}.json`));
    const packs = () => readdirSync(cache).filter((f) => f.startsWith('views-p-'));
    let most = 0;
    for (let i = 0; i < 40; i++) {
      const { session } = await lb.start({ title: `s${i}` });
      await lb.close({ outcome: 'completed' }, session.id);
      await open().load(); // folds the close in and saves (every new event, here)
      most = Math.max(most, packs().length);
      expect(new Set(packs())).toEqual(named());
    }
    expect(most).toBeGreaterThan(10); // a pack per save that closed a session…
    expect(most).toBeLessThanOrEqual(25); // …copied into one past 24
    const reader = open();
    const cached = await reader.load();
    reader.loadSessions(cached); // every closed state, each read from its pack by its bytes
    rmSync(cache, { recursive: true, force: true });
    const truth = await open().load();
    expect(truth.sessions.sessions.size).toBe(40);
    expect(JSON.stringify([...cached.sessions.sessions.values()])).toBe(JSON.stringify([...truth.sessions.sessions.values()]));
    expect(packs()).toHaveLength(1); // a save from scratch: one pack
  });
});

describe('statistics from the cache', () => {
  it('count closed sessions from their headers: no closed session is read', async () => {
    const { dir, open } = gitJournal();
    const lb = new Logbook(open());
    for (const title of ['a', 'b', 'c']) {
      const { session } = await lb.start({ title });
      await lb.close(title === 'b' ? { outcome: 'abandoned', reason: 'dropped' } : { outcome: 'completed' }, session.id);
    }
    await lb.start({ title: 'open' });
    const cache = path.join(dir, '.git', 'logbook', 'cache');
    rmSync(cache, { recursive: true, force: true });
    const truth = await open().load();
    const cached = await open().load({ items: false });
    const asOf = new Date('2026-01-03T00:00:00Z');
    expect(renderStats(cached.sessions, { asOf })).toEqual(renderStats(truth.sessions, { asOf }));
    expect(renderStats(cached.sessions, { asOf })).toMatchObject({ total: 4, completed: 2, abandoned: 1, active: 1 });
    // Plain values: the headers were read, no closed session's state; asking for the headers of a read that left them on disk is an error, not a short answer.
    expect([...cached.sessions.sessions.keys()]).toEqual([truth.sessions.order[3]]);
    const light = await open().load({ headers: false });
    expect(() => renderStats(light.sessions)).toThrow(/headers were not read/);
  });
});

describe('subscribe', () => {
  it('hands each successful append to the listeners, with the tip before and after; a failed or unsubscribed one hands nothing', async () => {
    const journal = new Journal({ store: new MemoryStore(), replica: 'aaaaaaaaaaaa', actor });
    const seen: Appended[] = [];
    const off = journal.subscribe((a) => seen.push(a));
    journal.subscribe(() => {
      throw new Error('a broken listener');
    });
    const first = await journal.append([{ type: 'state.set', data: { focus: 'x' } }]);
    const second = await journal.append([{ type: 'state.set', data: { focus: 'y' } }, { type: 'state.set', data: { focus: 'z' } }]);
    expect(seen.map((a) => a.events.map((e) => e.id))).toEqual([first.map((e) => e.id), second.map((e) => e.id)]);
    expect(seen[0]!.from).toBeNull();
    expect(seen[1]!.from).toBe(seen[0]!.tip);
    expect(seen[1]!.tip).toBe((await journal.store.head()).tips['aaaaaaaaaaaa']);
    let error: unknown;
    try {
      await journal.append([{ type: 'state.set', data: { focus: 'x'.repeat(10_000_000) } }]);
    } catch (e) {
      error = e;
    }
    expect(isLogbookError(error)).toBe(true);
    off();
    await journal.append([{ type: 'state.set', data: { focus: 'w' } }]);
    expect(seen).toHaveLength(2);
  });

  it('a write through the server reaches its feed as it is appended, without the ref watcher', async () => {
    const { dir } = gitJournal();
    // A watcher that would take a minute to report, and no tip check: only the subscription can deliver in time.
    const repo = new Repo({ name: 'r', dir, env: {}, settleMs: 60_000, tipCheckMs: 0 });
    await repo.start();
    try {
      const batches: string[][] = [];
      repo.subscribe((b) => batches.push(b.events.map((e) => e.id)));
      const { events } = await new Logbook(repo.openWriter({ env: {} })).start({ title: 'live' });
      expect(batches).toEqual([events.map((e) => e.id)]);
      expect(repo.lastId()).toBe(events.at(-1)!.id);
      // The feed's view has it too, without a second delivery.
      const view = await repo.current();
      expect(view.byId(events[0]!.id)).toEqual(events[0]);
      expect(batches).toHaveLength(1);
    } finally {
      repo.close();
    }
  });
});
