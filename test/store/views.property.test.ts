/**
 * The views cache (src/viewsCache.ts) never changes a view: journals of two
 * or three concurrent sessions (test/helpers/journalArb.ts — steps, blocker
 * resolutions, superseding decisions, subsessions, redactions) arrive in git
 * in random chunks, each replica's events in the order it wrote them, so a
 * chunk may bring events older than what was folded (as a fetch does) or a
 * redaction of something folded long ago. After every chunk, a command
 * reading through the cache (the same process or a new one, saving after 1
 * to 4 new events) sees exactly what a fold of every event at once gives.
 */
import path from 'node:path';
import fc from 'fast-check';
import stringify from 'fast-json-stable-stringify';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/events.js';
import { Journal, type Snapshot } from '../../src/journal.js';
import { GitStore } from '../../src/store/git.js';
import { projectItems, serializeItems, type ItemsState } from '../../projections/items.js';
import { prepare } from '../../projections/order.js';
import { renderResume } from '../../projections/resume.js';
import { renderSessionFile } from '../../projections/sessionFile.js';
import { projectSessions, type SessionsState } from '../../projections/sessions.js';
import { chunks, journalArb, splitsArb } from '../helpers/journalArb.js';
import { makeRepo } from '../helpers/repo.js';

function view(ids: string[], sessions: SessionsState, items: ItemsState): unknown {
  const all = sessions.order.map((id) => sessions.sessions.get(id)!);
  return JSON.parse(
    stringify({
      ids,
      order: sessions.order,
      sessions: all,
      bindings: [...sessions.clientBindings],
      messages: sessions.messages,
      eventCount: sessions.eventCount,
      items: serializeItems(items),
      files: all.map((s) => renderSessionFile(s)),
      resume: all.map((s) => renderResume({ session: s })),
    }),
  );
}

/** What a command sees: the parts a light read left on disk read explicitly first. */
const seen = async (journal: Journal, snap: Snapshot) => {
  journal.loadHeaders(snap);
  journal.loadSessions(snap);
  journal.loadItems(snap);
  return view((await journal.events(snap)).map((e) => e.id), snap.sessions, snap.items);
};

function truth(events: readonly JournalEvent[]): unknown {
  const ordered = prepare(events);
  return view(
    ordered.map((e) => e.id),
    projectSessions(ordered),
    projectItems(ordered),
  );
}

describe('the views cache never changes a view', () => {
  it('cached reads after every chunk of interleaved sessions equal one fold of all events', async () => {
    await fc.assert(
      fc.asyncProperty(journalArb({ maxCmds: 30 }), splitsArb(5), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom('all', 'core', 'headers', 'items'), { minLength: 6, maxLength: 6 }), async (built, at, freshProcess, saveAfter, reads) => {
        const gitdir = path.join(makeRepo({ commit: false }), '.git');
        const open = () => new Journal({ store: new GitStore(gitdir), replica: 'readeraaaaaa', actor: { name: 'reader', email: '' }, cacheSaveAfter: saveAfter });
        let journal = open();
        const tips = new Map<string, string | null>();
        const written: JournalEvent[] = [];
        for (const [i, chunk] of chunks(built.events, at).entries()) {
          // Each replica's part of the chunk, in the order that replica wrote it, on its own ref.
          for (const replica of new Set(chunk.map((e) => e.replica))) {
            const mine = chunk.filter((e) => e.replica === replica);
            const store = new GitStore(gitdir);
            const { tip } = await store.append({ replica, events: mine, expectedTip: tips.get(replica) ?? null });
            tips.set(replica, tip);
          }
          written.push(...chunk);
          if (freshProcess[i % freshProcess.length]) journal = open();
          // A read of every part, or a light one (resume's, list's, …) that folds and saves with parts left on disk.
          const read = reads[i % reads.length]!;
          const snap = await journal.load(read === 'all' ? {} : { headers: read === 'headers', items: read === 'items' });
          expect(await seen(journal, snap), `after chunk ${i + 1} (${chunk.length} events, ${read} read)`).toEqual(truth(written));
        }
        // And a reader that comes later, from the cache as the last one left it.
        const later = open();
        expect(await seen(later, await later.load())).toEqual(truth(built.events));
      }),
      { numRuns: 30 },
    );
  });
});
