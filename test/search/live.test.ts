/**
 * The search index kept current from `Journal.subscribe`: this process's
 * appends are folded in from the events as written, with no read of the
 * store; another writer's events (not heard of) are read from the index's
 * tips on; a redaction leaves the index — in memory and on disk — at once.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal.js';
import { GitStore } from '../../src/store/git.js';
import { loadCorpus, searchDir } from '../../src/search/cache.js';
import { docsOf } from '../../src/search/segment.js';
import { SearchIndex } from '../../src/search/live.js';
import { searchJournal, updatingSearchIndex } from '../../src/search/search.js';
import { makeRepo } from '../helpers/repo.js';

const S = '20260102_1000_aaaa';

/** A GitStore that counts its reads of events. */
function countingStore(gitdir: string): { store: GitStore; reads: () => number } {
  const store = new GitStore(gitdir);
  let n = 0;
  const readNew = store.readNew.bind(store);
  const read = store.read.bind(store);
  store.readNew = (since) => (n++, readNew(since));
  store.read = (options) => (n++, read(options));
  return { store, reads: () => n };
}

const texts = (gitdir: string) => loadCorpus(searchDir(gitdir))!.segments.flatMap((ref) => docsOf(ref.get()).map((d) => d.text));

describe('the search index kept current from the journal\'s appends', () => {
  it('folds this process\'s appends in without reading them back, and reads only what another writer brought', async () => {
    const repo = makeRepo();
    const gitdir = path.join(repo, '.git');
    let t = Date.UTC(2026, 0, 2, 10);
    const now = () => new Date((t += 60_000));
    const mine = new Journal({ store: new GitStore(gitdir), replica: 'replicaaaaaa', actor: { name: 'Ada', email: 'ada@example.com' }, now });
    const other = new Journal({ store: new GitStore(gitdir), replica: 'replicabbbbb', actor: { name: 'Grace', email: 'grace@example.com' }, now });
    await mine.append([{ type: 'session.started', session: S, data: { title: 'lock work', shortname: 'lock-work', taskIds: [], meta: {} } }]);

    const { store, reads } = countingStore(gitdir);
    const index = new SearchIndex(store, searchDir(gitdir));
    index.follow(mine);
    const search = async (query: string) => (await searchJournal(mine, { query }, index)).hits.map((h) => h.snippet);
    expect(await search('lock')).toEqual(['**lock** work']);
    const afterLoad = reads();

    await mine.append([{ type: 'decision', session: S, data: { text: 'Take the lock before the sweeper' } }]);
    expect(await search('sweeper')).toEqual(['Take the lock before the **sweeper**']);
    expect(reads()).toBe(afterLoad);
    // Saved as well: a search in another process finds it in the cache.
    expect(texts(gitdir)).toContain('Take the lock before the sweeper');

    await other.append([{ type: 'discovery', session: S, data: { text: 'The sweeper races the lock' } }]);
    expect(await search('races')).toEqual(['The sweeper **races** the lock']);
    expect(reads()).toBe(afterLoad + 1);
  });

  it('takes a redaction out of the cached index from the append itself', async () => {
    const repo = makeRepo();
    const gitdir = path.join(repo, '.git');
    let t = Date.UTC(2026, 0, 2, 10);
    const now = () => new Date((t += 60_000));
    const journal = new Journal({ store: new GitStore(gitdir), replica: 'replicaaaaaa', actor: { name: 'Ada', email: 'ada@example.com' }, now });
    const [, secret] = await journal.append([
      { type: 'session.started', session: S, data: { title: 'lock work', shortname: 'lock-work', taskIds: [], meta: {} } },
      { type: 'progress', session: S, data: { text: 'Pasted the wrong hostname internal-db-7', status: 'done' } },
    ]);
    expect((await searchJournal(journal, { query: 'hostname' })).total).toBe(1);
    expect(texts(gitdir)).toContain('Pasted the wrong hostname internal-db-7');

    await updatingSearchIndex(journal, () => journal.append([{ type: 'redaction', session: S, data: { event: secret!.id } }]));
    expect(texts(gitdir)).not.toContain('Pasted the wrong hostname internal-db-7');
    expect(loadCorpus(searchDir(gitdir))!.tips).toEqual((await new GitStore(gitdir).head()).tips);
    expect((await searchJournal(journal, { query: 'hostname' })).total).toBe(0);
  });
});
