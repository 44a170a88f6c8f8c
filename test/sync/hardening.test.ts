/**
 * What a hostile pass broke in sync: a D/F ref conflict on the remote, a
 * remote that accepts connections and never answers, and staging refs left
 * behind by a killed sync.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeBareRepo } from '../helpers/repo.js';
import { appendMany, journalIds, lb, lbRun, makeClone, replicaOf } from '../helpers/sync.js';

describe('a remote ref replaced by a nested one (D/F conflict)', () => {
  it('is reported and skipped; every other replica still arrives, sync after sync', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote, 'Ada');
    const b = await makeClone(remote, 'Bob');
    await appendMany(a, 3, 'a1');
    await lb(a, ['sync']);
    // A ref that sorts before every replica id, fetched by B, then replaced on the remote by a nested one.
    const tip = git(remote, 'rev-parse', `refs/logbook/replicas/${replicaOf(a)}`).trim();
    git(remote, 'update-ref', 'refs/logbook/replicas/00000000', tip);
    await lb(b, ['sync']);
    expect(git(b, 'rev-parse', 'refs/logbook/replicas/00000000').trim()).toBe(tip);
    git(remote, 'update-ref', '-d', 'refs/logbook/replicas/00000000');
    git(remote, 'update-ref', 'refs/logbook/replicas/00000000/x', tip);
    await appendMany(a, 2, 'a2');
    await lb(a, ['sync']);

    for (let round = 0; round < 2; round++) {
      const r = await lbRun(b, ['sync']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/skipped refs\/logbook\/replicas\/00000000\/x .*not a replica ref/);
      expect(r.stderr).not.toMatch(/EEXIST/);
    }
    expect(await journalIds(b)).toEqual(await journalIds(a));
    const json = JSON.parse(await lb(b, ['sync', '--json']));
    expect(json.skipped).toEqual([{ ref: 'refs/logbook/replicas/00000000/x', reason: expect.stringMatching(/not a replica ref/) }]);
  });

  it('doctor reports a nested ref below a replica name that nothing reads', async () => {
    const dir = await makeClone(undefined);
    await appendMany(dir, 1, 'x');
    const tip = git(dir, 'rev-parse', `refs/logbook/replicas/${replicaOf(dir)}`).trim();
    git(dir, 'update-ref', 'refs/logbook/replicas/abcdefgh/x', tip);
    const r = await lbRun(dir, ['doctor', '--json']);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'unread-ref', severity: 'warning', path: 'refs/logbook/replicas/abcdefgh/x' }));
    expect(r.code).toBe(1);
  });
});

describe('a remote that accepts the connection and never answers', () => {
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((s) => {
      sockets.push(s); // read nothing, answer nothing
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  // Bounded by the tool's own timeout (1 s here); the test timeout is only the backstop.
  for (const t of [{ name: 'system git', env: {} }, { name: 'built-in HTTP', env: { LOGBOOK_GIT_BINARY: 'none' } }]) {
    it(`${t.name}: fails with a clear timeout error`, { timeout: 40_000 }, async () => {
      const dir = await makeClone(undefined);
      await appendMany(dir, 1, 'x');
      const r = await lbRun(dir, ['sync', `http://127.0.0.1:${port}/journal.git`], { env: { ...t.env, LOGBOOK_NETWORK_TIMEOUT: '1' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/SYNC_FAILED|cannot (read the refs of|fetch from|push to)/);
      expect(r.stderr).toMatch(/too slow|no answer|timed out/i);
      expect(r.stderr).toMatch(/LOGBOOK_NETWORK_TIMEOUT/);
    });
  }

  it('ssh: ConnectTimeout is passed to ssh', async () => {
    const dir = await makeClone(undefined);
    await appendMany(dir, 1, 'x');
    // A fake ssh that prints its arguments and fails: what git would run.
    const r = await lbRun(dir, ['sync', 'ssh://example.invalid/x.git'], { env: { GIT_SSH_COMMAND: undefined, PATH: `${fakeSshDir()}:${process.env.PATH}`, LOGBOOK_NETWORK_TIMEOUT: '7' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ConnectTimeout=7/);
  });
});

function fakeSshDir(): string {
  const dir = makeBareRepo();
  const file = `${dir}/ssh`;
  spawnSync('sh', ['-c', `printf '#!/bin/sh\\necho "fatal: ssh args: $*" >&2\\nexit 255\\n' > ${file} && chmod +x ${file}`]);
  return dir;
}

describe('staging refs left by a killed sync', () => {
  it('doctor reports them and the next sync removes them', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    await appendMany(a, 2, 'a');
    await lb(a, ['sync']);
    const tip = git(a, 'rev-parse', `refs/logbook/replicas/${replicaOf(a)}`).trim();
    // What a SIGKILLed sync leaves: its run's namespace, named after a process that is gone.
    const dead = spawnSync('true').pid;
    const left = `refs/logbook-incoming/${Date.now()}-${dead}-zz9/replicas/${replicaOf(a)}`;
    git(a, 'update-ref', left, tip);
    git(a, 'pack-refs', '--all');
    const doctor = JSON.parse((await lbRun(a, ['doctor', '--json'])).stdout);
    expect(doctor.findings).toContainEqual(expect.objectContaining({ code: 'leftover-staging-ref', path: left, fixable: true }));
    await lb(a, ['sync']);
    expect(git(a, 'for-each-ref', 'refs/logbook-incoming/')).toBe('');
    // And doctor --repair removes one just as well.
    git(a, 'update-ref', `refs/logbook-incoming/${Date.now()}-${dead}-zz8/replicas/${replicaOf(a)}`, tip);
    const repaired = JSON.parse((await lbRun(a, ['doctor', '--repair', '--json'])).stdout);
    expect(repaired.repairs).toContainEqual(expect.stringMatching(/staging ref/));
    expect(repaired.healthy).toBe(true);
    expect(git(a, 'for-each-ref', 'refs/logbook-incoming/')).toBe('');
  });
});
