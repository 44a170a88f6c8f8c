/**
 * Replica-id collisions (a copied .git): detected, reported with the fix,
 * never merged into one ref, no event lost; `sync --fix-collision` on one of
 * the clones leaves a journal `logbook doctor` finds healthy.
 */
import { cpSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { git, makeBareRepo, tempDir } from '../helpers/repo.js';
import { appendMany, expectFsckClean, journalIds, lb, lbRun, makeClone, refs, replicaOf } from '../helpers/sync.js';

function copyClone(dir: string): string {
  const copy = tempDir('logbook-copy-');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

describe('replica-id collision', () => {
  it('a copied .git: the second to sync gets REPLICA_COLLISION, nothing is lost, and --fix-collision resolves it', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote, 'Ada');
    const c = await makeClone(remote, 'Cy');
    await lb(a, ['start', '--goal', 'Before the copy']);
    await lb(a, ['sync']);
    const b = copyClone(a);
    expect(replicaOf(b)).toBe(replicaOf(a));
    const shared = replicaOf(a);

    await lb(a, ['log', '--progress', 'A after the copy']);
    await lb(b, ['log', '--progress', 'B after the copy', '--decision', 'B decides alone']);
    const bIds = await journalIds(b);
    expect(await lb(a, ['sync'])).toMatch(/Pushed 1 event/);

    const before = await refs(b);
    const clash = await lbRun(b, ['sync']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`logbook: the copy of this clone's own ref refs/logbook/replicas/${shared} on origin`);
    expect(clash.stderr).toMatch(/has diverged from ours \(1 event\(s\) there that this clone never wrote\): another clone uses the same replica id/);
    expect(clash.stderr).toMatch(/hint: two clones write replica \w+ .*no event is lost\. Run `logbook sync origin --fix-collision` on ONE of them/);
    expect(await refs(b)).toBe(before);
    expect(await journalIds(b)).toEqual(bIds);
    // Nobody's ref was merged: the remote holds A's history of the shared id.
    expect(git(remote, 'rev-parse', `refs/logbook/replicas/${shared}`)).toBe(git(a, 'rev-parse', `refs/logbook/replicas/${shared}`));
    // A third clone sees nothing wrong: it just has A's version.
    await lb(c, ['sync']);

    const fixed = await lb(b, ['sync', '--fix-collision']);
    expect(fixed).toMatch(new RegExp(`This clone is now replica (\\w+) \\(it was ${shared}, which another clone also uses\\)\\.`));
    expect(fixed).toMatch(/Re-recorded the 2 events only this clone had written under \w+ \(same ids, times and text\)\./);
    expect(fixed).toMatch(new RegExp(`Its old history of ${shared} is kept at refs/logbook-rescued/${shared}/[0-9a-f]{40}`));
    expect(fixed).toMatch(/Pushed 2 events of this clone/);
    expect(replicaOf(b)).not.toBe(shared);
    for (const dir of [a, c, b]) await lb(dir, ['sync']);

    const all = await journalIds(a);
    expect(all).toHaveLength(1 + 1 + 2);
    expect(await journalIds(b)).toEqual(all);
    expect(await journalIds(c)).toEqual(all);
    for (const id of bIds) expect(all).toContain(id);
    for (const dir of [a, b, c]) {
      const doctor = await lbRun(dir, ['doctor']);
      expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
      await expectFsckClean(dir);
    }
    // The session B was working in (started before the copy, under the old id) is still B's current session.
    const progress = await lbRun(b, ['log', '--progress', 'B after the fix']);
    expect(progress.code, progress.stderr).toBe(0);
    expect(await lb(b, ['view'])).toContain('B after the fix');
    expect(git(b, 'config', 'logbook.formerReplicas').trim()).toBe(shared);
    // B keeps writing under its new id, and it travels.
    await lb(b, ['start', '--goal', 'B on its own id']);
    await lb(b, ['sync']);
    expect(await lb(a, ['sync'])).toMatch(new RegExp(`replica ${replicaOf(b)} +\\+2 events`));
  });

  it('a copy that wrote nothing since: the remote is ahead of its own ref, reported as a collision, fixed by moving nothing', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    await appendMany(a, 2);
    await lb(a, ['sync']);
    const b = copyClone(a);
    await appendMany(a, 1, 'later');
    await lb(a, ['sync']);
    const clash = await lbRun(b, ['sync']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/is ahead of ours \(2 event\(s\) there that this clone never wrote\)/);
    expect(clash.stderr).toMatch(/restored from an older backup\), take the remote's copy instead: git fetch origin refs\/logbook\/replicas\/\w+:refs\/logbook\/replicas\/\w+/);
    const dry = await lbRun(b, ['sync', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/another clone uses the same replica id/);
    const fixed = await lb(b, ['sync', '--fix-collision']);
    expect(fixed).toMatch(/This clone had written nothing the remote lacks: no event to move\./);
    expect(fixed).not.toMatch(/refs\/logbook-rescued/);
    expect(await journalIds(b)).toEqual(await journalIds(a));
    expect((await lbRun(b, ['doctor'])).code).toBe(0);
  });

  it('--fix-collision without a collision changes nothing', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    await appendMany(a, 1);
    await lb(a, ['sync']);
    const replica = replicaOf(a);
    const before = await refs(a);
    const r = await lbRun(a, ['sync', '--fix-collision']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no replica-id collision/);
    expect(replicaOf(a)).toBe(replica);
    expect(await refs(a)).toBe(before);
  });
});
