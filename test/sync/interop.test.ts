/**
 * Stock-git interop exactly as docs/sync.md gives it: `git push origin
 * 'refs/logbook/*:refs/logbook/*'` on one clone and `git fetch origin
 * 'refs/logbook/*:refs/logbook/*'` on another are enough for the second to
 * show the first's events at its next command, with no cache reset. And
 * `logbook sync` mixes with it, and never lets a user's own fetch refspec
 * move a journal ref behind its back.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeBareRepo, tempDir } from '../helpers/repo.js';
import { appendMany, eventIds, expectFsckClean, journalIds, lb, lbRun, makeClone, refs, replicaOf } from '../helpers/sync.js';

const PUSH = ['push', 'origin', 'refs/logbook/*:refs/logbook/*'];
const FETCH = ['fetch', 'origin', 'refs/logbook/*:refs/logbook/*'];

describe('stock git interop', () => {
  it('push with stock git from A, fetch with stock git into B: B shows A’s events at its next command', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote, 'Ada');
    const b = await makeClone(remote, 'Bob');
    const started = JSON.parse(await lb(a, ['start', '--goal', 'Shared work', '--name', 'shared', '--json'])) as { id: string };
    await lb(a, ['log', '--progress', 'First step', '--decision', 'Use git refs']);
    await lb(b, ['start', '--goal', 'Bob work']);
    expect(await lb(b, ['list'])).not.toContain('shared'); // B's cache is warm and knows nothing of A
    git(a, ...PUSH);
    git(b, ...FETCH);
    const listed = JSON.parse(await lb(b, ['list', '--json'])) as Array<{ id: string }>;
    expect(listed.map((s) => s.id)).toContain(started.id);
    expect((await eventIds(b))[started.id]).toEqual((await eventIds(a))[started.id]);

    // More on A, pushed and fetched the same way: read incrementally from the cache B already has.
    await lb(a, ['log', '--done', 'First step', '--next', 'Second step']);
    git(a, ...PUSH);
    git(b, ...FETCH);
    const view = await lb(b, ['view', started.id]);
    expect(view).toContain('Second step');
    expect((await eventIds(b))[started.id]).toHaveLength(5);

    // Back the other way, and after `git gc` packed B's refs and objects.
    git(b, ...PUSH);
    git(b, 'gc', '-q');
    git(a, ...FETCH);
    expect(Object.keys(await eventIds(a))).toHaveLength(2);
    expect(await journalIds(a)).toEqual(await journalIds(b));
    await expectFsckClean(a);
    await expectFsckClean(b);
  });

  it('stock git refuses to move a journal ref backwards (no force), and `logbook sync` works on top of it', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    const b = await makeClone(remote);
    await appendMany(a, 2, 'a');
    git(a, ...PUSH);
    await appendMany(a, 2, 'a2'); // A is now ahead of its copy on the remote
    const own = `refs/logbook/replicas/${replicaOf(a)}`;
    const tip = git(a, 'rev-parse', own);
    expect(() => git(a, ...FETCH)).toThrow(/rejected.*non-fast-forward/s);
    expect(git(a, 'rev-parse', own)).toBe(tip);
    // logbook sync pushes A's newer events; stock git fetch brings them to B.
    expect(await lb(a, ['sync'])).toMatch(/Pushed 3 events/);
    git(b, ...FETCH);
    expect(await journalIds(b)).toEqual(await journalIds(a));
  });

  it("a user's forced fetch refspec for refs/logbook/* never moves this clone's ref backwards during sync", async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    git(a, 'config', '--add', 'remote.origin.fetch', '+refs/logbook/*:refs/logbook/*');
    await appendMany(a, 2);
    await lb(a, ['sync']);
    await appendMany(a, 3, 'more');
    const own = `refs/logbook/replicas/${replicaOf(a)}`;
    const tip = git(a, 'rev-parse', own);
    expect(await lb(a, ['sync'])).toMatch(/Pushed 4 events/);
    expect(git(a, 'rev-parse', own)).toBe(tip);
    expect(git(remote, 'rev-parse', own)).toBe(tip);
  });

  it('syncs with a remote given as a path, a file:// URL, and a configured name', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(undefined);
    const b = await makeClone(undefined);
    git(b, 'remote', 'add', 'shared', remote);
    await appendMany(a, 1);
    expect(await lb(a, ['sync', remote])).toMatch(/Pushed 2 events/);
    expect(await lb(b, ['sync', `file://${remote}`])).toMatch(/Fetched 2 new events of 1 replica/);
    await appendMany(a, 1, 'again');
    await lb(a, ['sync', remote]);
    expect(await lb(b, ['sync', 'shared'])).toMatch(/Fetched 2 new events of 1 replica[\s\S]*Synced with shared \(/);
    expect(await refs(b)).not.toContain('refs/remotes/');
  });
});

describe('ssh remotes', () => {
  it('ssh:// and scp-style addresses go through git (here with a stand-in ssh that runs the command locally)', async () => {
    const remote = makeBareRepo();
    const fakeSsh = path.join(tempDir(), 'ssh');
    // git runs `ssh [options] host command`: run the command, ignore the rest.
    writeFileSync(fakeSsh, '#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\nexec sh -c "$1"\n');
    chmodSync(fakeSsh, 0o755);
    const env = { GIT_SSH_COMMAND: fakeSsh };
    const a = await makeClone(undefined);
    const b = await makeClone(undefined);
    await appendMany(a, 2);
    expect(await lb(a, ['sync', `ssh://git@example.invalid${remote}`], { env })).toMatch(/Pushed 3 events/);
    expect(await lb(b, ['sync', `git@example.invalid:${remote}`], { env })).toMatch(/Fetched 3 new events of 1 replica/);
    expect(await journalIds(b)).toEqual(await journalIds(a));
  });
});

describe('dry run', () => {
  it('says what would be fetched and pushed, and changes nothing here or there', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    const b = await makeClone(remote);
    await appendMany(b, 4, 'b');
    await lb(b, ['sync']);
    await appendMany(b, 2, 'b2');
    await lb(b, ['sync']);
    await appendMany(a, 1, 'a');
    const before = [await refs(a), await refs(remote), git(a, 'count-objects', '-v')];
    const dry = await lb(a, ['sync', '--dry-run']);
    expect(dry).toMatch(/^Dry run against origin \(.*\) via git: nothing was changed\./);
    expect(dry).toMatch(/Would fetch new events of 1 replica:\n {2}replica \w+ +new events \(new replica\)/);
    expect(dry).toMatch(/Would push 2 events of this clone \(replica \w+\), new on the remote\./);
    expect([await refs(a), await refs(remote), git(a, 'count-objects', '-v')]).toEqual(before);
    const json = JSON.parse(await lb(a, ['sync', '--dry-run', '--json']));
    expect(json).toMatchObject({ dryRun: true, transport: 'git', pushed: [{ from: null, events: 2 }], fetched: [{ from: null, events: null }] });

    // Once B's ref is here, a dry run counts the events it would fetch.
    await lb(a, ['sync']);
    await appendMany(b, 1, 'b3');
    await lb(b, ['sync']);
    git(a, 'fetch', 'origin', `refs/logbook/replicas/${replicaOf(b)}`); // objects only, no ref moved
    expect(await lb(a, ['sync', '--dry-run'])).toMatch(/Would fetch 2 new events of 1 replica:\n {2}replica \w+ +\+2 events/);
    expect(await lb(a, ['sync'])).toMatch(/Fetched 2 new events/);
    expect(await lb(a, ['sync', '--dry-run'])).toMatch(/Nothing to fetch or push: up to date with origin/);
  });

  it('a remote that moved backwards is reported and refused, and the local history is kept', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    const b = await makeClone(remote);
    await appendMany(b, 2, 'b');
    await lb(b, ['sync']);
    const old = git(remote, 'rev-parse', `refs/logbook/replicas/${replicaOf(b)}`).trim();
    await appendMany(b, 2, 'b2');
    await lb(b, ['sync']);
    await lb(a, ['sync']);
    const ref = `refs/logbook/replicas/${replicaOf(b)}`;
    const kept = git(a, 'rev-parse', ref);
    // Someone force-moves B's ref on the remote backwards, then sideways.
    git(remote, 'update-ref', ref, old);
    const behind = await lb(a, ['sync']);
    expect(behind).toMatch(/note: origin has an older copy of replica \w+ \(3 events behind this clone's\); kept ours/);
    expect(git(a, 'rev-parse', ref)).toBe(kept);
    const sideways = git(remote, 'commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-p', old, '-m', 'rewritten').trim();
    git(remote, 'update-ref', ref, sideways);
    const refused = await lbRun(a, ['sync']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused to move 1 ref that origin holds as a non-fast-forward of ours: replica \w+ \(3 events only here, 1 event only there\)/);
    expect(git(a, 'rev-parse', ref)).toBe(kept);
  });
});
