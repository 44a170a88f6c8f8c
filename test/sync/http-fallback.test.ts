/**
 * The built-in smart-HTTP transport (no git binary: LOGBOOK_GIT_BINARY=none)
 * against a real `git http-backend`, on a remote that holds only
 * refs/logbook/* (no branches; its HEAD does not resolve), where
 * isomorphic-git's own fetch fails.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableHttpPush, serveGit, type HttpGitServer } from '../helpers/http-git-server.js';
import { git, tempDir } from '../helpers/repo.js';
import { appendMany, expectFsckClean, gitAsync, journalIds, lb, makeClone, refs, replicaOf } from '../helpers/sync.js';

const NO_GIT = { LOGBOOK_GIT_BINARY: 'none' };

describe('sync without a git binary, over smart HTTP', () => {
  let server: HttpGitServer;
  let root: string;
  beforeAll(async () => {
    root = tempDir('logbook-http-root-');
    server = await serveGit({ root });
  });
  afterAll(() => server?.stop());

  it('works with a remote that has only refs/logbook/* and no HEAD, writes no tracking or staging ref, and fetches incrementally', async () => {
    git(root, 'init', '-q', '--bare', 'journal-only.git');
    const remoteDir = path.join(root, 'journal-only.git');
    enableHttpPush(remoteDir);
    const url = server.url('journal-only.git');
    const a = await makeClone(url);
    const b = await makeClone(url);

    await appendMany(a, 30, 'a');
    expect(await lb(a, ['sync'], { env: NO_GIT })).toMatch(/^Pushed 31 events of this clone \(replica \w+\), new on the remote\.\nSynced with origin \(http:/);
    expect(git(remoteDir, 'for-each-ref', '--format=%(refname)')).toBe(`refs/logbook/replicas/${replicaOf(a)}\n`);
    expect(() => git(remoteDir, 'rev-parse', '--verify', '-q', 'HEAD')).toThrow();

    expect(await lb(b, ['sync'], { env: NO_GIT })).toMatch(/Fetched 31 new events of 1 replica/);
    expect(await journalIds(b)).toEqual(await journalIds(a));
    for (const dir of [a, b]) {
      const all = await refs(dir);
      expect(all).not.toMatch(/refs\/remotes|logbook-incoming/);
      expect(all).toContain(`refs/logbook/replicas/${replicaOf(a)}`);
    }

    // Only what is new travels: B tells the server what it has.
    const packs = () => readdirSync(path.join(b, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.idx'));
    const before = packs();
    await appendMany(a, 1, 'a2');
    await lb(a, ['sync'], { env: NO_GIT });
    expect(await lb(b, ['sync'], { env: NO_GIT })).toMatch(/Fetched 2 new events of 1 replica/);
    const added = packs().filter((p) => !before.includes(p));
    expect(added).toHaveLength(1);
    const objects = (await gitAsync(b, 'verify-pack', '-v', path.join(b, '.git', 'objects', 'pack', added[0]!))).split('\n').filter((l) => /^[0-9a-f]{40} /.test(l));
    expect(objects.length).toBeLessThanOrEqual(3); // 2 commits (+ the empty tree), not the history

    // Both ways, and stock git agrees with what the built-in transport wrote.
    await appendMany(b, 2, 'b');
    expect(await lb(b, ['sync'], { env: NO_GIT })).toMatch(/Pushed 3 events/);
    expect(await lb(a, ['sync'], { env: NO_GIT })).toMatch(/Fetched 3 new events/);
    expect(await journalIds(a)).toEqual(await journalIds(b));
    for (const dir of [a, b, remoteDir]) await expectFsckClean(dir);
  });

  it('dry run over HTTP lists without fetching', async () => {
    git(root, 'init', '-q', '--bare', 'dry.git');
    enableHttpPush(path.join(root, 'dry.git'));
    const url = server.url('dry.git');
    const a = await makeClone(url);
    const b = await makeClone(url);
    await appendMany(a, 3);
    await lb(a, ['sync'], { env: NO_GIT });
    await appendMany(b, 1);
    const before = [await refs(b), git(b, 'count-objects', '-v')];
    const dry = JSON.parse(await lb(b, ['sync', '--dry-run', '--json'], { env: NO_GIT }));
    expect(dry).toMatchObject({ transport: 'http', dryRun: true, fetched: [{ replica: replicaOf(a), from: null, events: null }], pushed: [{ from: null, events: 2 }] });
    expect([await refs(b), git(b, 'count-objects', '-v')]).toEqual(before);
  });

  it('pushes and fetches a journal of 1,000 events in one go', async () => {
    git(root, 'init', '-q', '--bare', 'big.git');
    enableHttpPush(path.join(root, 'big.git'));
    const url = server.url('big.git');
    const a = await makeClone(url);
    const b = await makeClone(url);
    await appendMany(a, 999);
    expect(await lb(a, ['sync'], { env: NO_GIT })).toMatch(/Pushed 1000 events/);
    expect(await lb(b, ['sync'], { env: NO_GIT })).toMatch(/Fetched 1000 new events/);
    expect((await journalIds(b)).length).toBe(1000);
    await expectFsckClean(b);
  });
});
