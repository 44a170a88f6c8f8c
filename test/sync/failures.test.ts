/**
 * A sync that fails (remote killed mid-push or mid-fetch, unreachable, auth
 * refused, push rejected) says so clearly, leaves every local ref exactly as
 * it was, and simply works when run again.
 */
import { writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableHttpPush, serveGit, type HttpGitServer } from '../helpers/http-git-server.js';
import { git, makeBareRepo, tempDir } from '../helpers/repo.js';
import { appendMany, journalIds, lb, lbRun, makeClone, refs, replicaOf } from '../helpers/sync.js';

const TRANSPORTS = [
  { name: 'system git', env: {} },
  { name: 'built-in HTTP (no git binary)', env: { LOGBOOK_GIT_BINARY: 'none' } },
] as const;

describe('failures over smart HTTP', () => {
  let server: HttpGitServer;
  let root: string;
  let n = 0;
  beforeAll(async () => {
    root = tempDir('logbook-http-root-');
    server = await serveGit({ root });
  });
  afterAll(() => server?.stop());

  const newRemote = () => {
    const name = `r${++n}.git`;
    git(root, 'init', '-q', '--bare', name);
    enableHttpPush(path.join(root, name));
    return { url: server.url(name), dir: path.join(root, name) };
  };

  for (const t of TRANSPORTS) {
    describe(t.name, () => {
      it('remote killed mid-push: error, no ref moved here or there, and the retry succeeds', async () => {
        const remote = newRemote();
        const a = await makeClone(remote.url);
        const b = await makeClone(remote.url);
        await appendMany(b, 5, 'b');
        await lb(b, ['sync'], { env: t.env });
        await appendMany(a, 400, 'a');
        const before = await refs(a);
        const remoteBefore = await refs(remote.dir);

        server.interrupt({ service: 'git-receive-pack', afterBytes: 4000 });
        const failed = await lbRun(a, ['sync'], { env: t.env });
        expect(failed.code, `${failed.stdout}${failed.stderr}${server.log.slice(-4).join('\n')}`).toBe(1);
        expect(failed.stderr).toMatch(/cannot push to|connection|hung up|RPC failed/i);
        expect(failed.stderr).toMatch(/hint: .*nothing was changed locally/);
        expect(server.log.some((l) => /interrupted after \d+ request bytes/.test(l))).toBe(true);
        // B's ref was fetched in that run, but is not taken before the push went through.
        expect(await refs(a)).toBe(before);
        expect(await refs(remote.dir)).toBe(remoteBefore);

        server.heal();
        const retried = await lb(a, ['sync'], { env: t.env });
        expect(retried).toMatch(/Pushed 401 events/);
        expect(retried).toMatch(/Fetched 6 new events of 1 replica/);
        const own = `refs/logbook/replicas/${replicaOf(a)}`;
        expect(git(remote.dir, 'rev-parse', own)).toBe(git(a, 'rev-parse', own));
        expect((await journalIds(a)).length).toBe(407);
      });

      it('remote killed mid-fetch: error, no ref moved, and the retry succeeds', async () => {
        const remote = newRemote();
        const a = await makeClone(remote.url);
        const b = await makeClone(remote.url);
        await appendMany(b, 400, 'b');
        await lb(b, ['sync'], { env: t.env });
        const before = await refs(a);

        server.interrupt({ service: 'git-upload-pack', afterBytes: 3000 });
        const failed = await lbRun(a, ['sync'], { env: t.env });
        expect(failed.code).toBe(1);
        expect(failed.stderr).toMatch(/cannot fetch from/);
        expect(await refs(a)).toBe(before);

        server.heal();
        expect(await lb(a, ['sync'], { env: t.env })).toMatch(/Fetched 401 new events of 1 replica/);
        expect((await journalIds(a)).length).toBe(401);
      });

      it('unreachable remote: error with a hint, nothing changed; works once the server is back', async () => {
        const root2 = tempDir('logbook-http-root-');
        git(root2, 'init', '-q', '--bare', 'r.git');
        enableHttpPush(path.join(root2, 'r.git'));
        const down = await serveGit({ root: root2 });
        const url = down.url('r.git');
        const port = down.port;
        await down.stop();
        const a = await makeClone(url);
        await appendMany(a, 3);
        const before = await refs(a);
        const failed = await lbRun(a, ['sync'], { env: t.env });
        expect(failed.code).toBe(1);
        expect(failed.stderr).toMatch(/logbook: cannot (fetch from|read the refs of) origin \(http:\/\/127\.0\.0\.1:\d+\/r\.git\)/);
        expect(failed.stderr).toMatch(/hint: check the network/);
        expect(await refs(a)).toBe(before);
        const up = await serveGit({ root: root2, port });
        try {
          expect(await lb(a, ['sync'], { env: t.env })).toMatch(/Pushed 4 events/);
        } finally {
          await up.stop();
        }
      });

      it('auth refused: a clear error; credentials in the URL work', async () => {
        const root2 = tempDir('logbook-http-root-');
        git(root2, 'init', '-q', '--bare', 'r.git');
        const locked = await serveGit({ root: root2, auth: { user: 'ada', password: 's3cret' } });
        try {
          const a = await makeClone(locked.url('r.git'));
          await appendMany(a, 2);
          const before = await refs(a);
          const failed = await lbRun(a, ['sync'], { env: t.env });
          expect(failed.code).toBe(1);
          expect(failed.stderr).toMatch(/authentication|401|could not read Username|terminal prompts disabled/i);
          expect(failed.stderr).toMatch(/hint: check your credentials/);
          expect(await refs(a)).toBe(before);
          const withAuth = locked.url('r.git').replace('http://', 'http://ada:s3cret@');
          const r = await lbRun(a, ['sync', withAuth], { env: t.env });
          expect(r.stderr).toBe('');
          expect(r.stdout).toMatch(/Pushed 3 events/);
          // The password is never printed.
          expect(r.stdout).not.toContain('s3cret');
          expect(r.stdout).toContain('ada:***@');
          expect(failed.stderr).not.toContain('s3cret');
        } finally {
          await locked.stop();
        }
      });
    });
  }
});

describe('failures against a repository on disk', () => {
  it('push rejected by a server hook: SYNC_FAILED with the reason, nothing fetched is applied, rerunnable', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    const b = await makeClone(remote);
    await appendMany(b, 2, 'b');
    await lb(b, ['sync']);
    await appendMany(a, 2, 'a');
    const hook = path.join(remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "journal pushes are frozen today" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const before = await refs(a);
    const failed = await lbRun(a, ['sync']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/refused refs\/logbook\/replicas\/\w+: .*pre-receive hook declined/);
    expect(failed.stderr).toMatch(/hint: .*--no-push/);
    expect(await refs(a)).toBe(before);
    // A read-only remote still gives what it has.
    expect(await lb(a, ['sync', '--no-push'])).toMatch(/Fetched 3 new events of 1 replica[\s\S]*Not pushed/);
    chmodSync(hook, 0o644);
    expect(await lb(a, ['sync'])).toMatch(/Pushed 3 events/);
  });

  it('a remote that does not exist, and a remote name that is not configured', async () => {
    const a = await makeClone(undefined);
    await appendMany(a, 1);
    const before = await refs(a);
    const noOrigin = await lbRun(a, ['sync']);
    expect(noOrigin.code).toBe(1);
    expect(noOrigin.stderr).toMatch(/no remote named "origin"/);
    expect(noOrigin.stderr).toMatch(/git remote add origin/);
    git(a, 'remote', 'add', 'origin', path.join(tempDir(), 'missing.git'));
    const missing = await lbRun(a, ['sync']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot fetch from origin/);
    expect(missing.stderr).toMatch(/hint: check that the repository exists/);
    const file = await lbRun(a, ['sync', 'file:///nonexistent/x.git'], { env: { LOGBOOK_GIT_BINARY: 'none' } });
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/no git binary is installed, and without it only http\(s\):\/\/ remotes/);
    expect(file.stderr).toMatch(/hint: install git/);
    expect(await refs(a)).toBe(before);
  });
});
