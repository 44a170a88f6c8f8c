/**
 * Convergence: three clones append concurrently (child processes) and sync
 * in a random order for a few rounds, against a bare repository on disk and
 * against a real smart-HTTP server (system git, and the built-in HTTP client
 * on a clone without git). Afterwards every clone holds every event, `rebuild`
 * writes byte-identical trees, and `git fsck --strict` is clean everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBareRepo, tempDir } from '../helpers/repo.js';
import { enableHttpPush, serveGit, type HttpGitServer } from '../helpers/http-git-server.js';
import { eventIds, expectFsckClean, journalIds, lb, makeClone, rebuildTree, refs, seeded, shuffle, sleep } from '../helpers/sync.js';
import { git } from '../helpers/repo.js';
import path from 'node:path';

const ROUNDS = 3;
const LOGS_PER_ROUND = 2;

interface Clone {
  dir: string;
  env: Record<string, string | undefined>;
}

async function converge(remote: string, remoteDir: string, envs: Array<Record<string, string | undefined>>, seed: number) {
  const random = seeded(seed);
  const clones: Clone[] = [];
  for (const [i, env] of envs.entries()) clones.push({ dir: await makeClone(remote, `Writer ${i}`), env });
  for (const [i, c] of clones.entries()) await lb(c.dir, ['start', '--goal', `work of clone ${i}`], { env: c.env });

  for (let round = 1; round <= ROUNDS; round++) {
    // Everything of a round at once, each after a random delay: appends race with syncs of the same and other clones.
    const ops = shuffle(
      clones.flatMap((c, i) => [
        ...Array.from({ length: LOGS_PER_ROUND }, (_, k) => () => lb(c.dir, ['log', '--progress', `clone ${i} round ${round} step ${k}`], { env: c.env })),
        () => lb(c.dir, ['sync'], { env: c.env }),
      ]),
      random,
    );
    await Promise.all(ops.map(async (op) => {
      await sleep(Math.floor(random() * 60));
      return op();
    }));
  }
  // Settle: every clone pushes, then every clone fetches what the others pushed.
  for (const c of [...clones, ...clones.slice(0, -1)]) await lb(c.dir, ['sync'], { env: c.env });

  const expected = clones.length * (1 + ROUNDS * LOGS_PER_ROUND);
  const orders = await Promise.all(clones.map((c) => journalIds(c.dir)));
  expect(new Set(orders.flat()).size).toBe(expected);
  for (const o of orders) expect(o).toEqual(orders[0]);
  // And through the CLI, as a user would look: every session with every event, on one clone.
  const viewed = await eventIds(clones[1]!.dir, clones[1]!.env);
  expect(Object.keys(viewed)).toHaveLength(clones.length);
  expect(new Set(Object.values(viewed).flat())).toEqual(new Set(orders[0]));
  const trees = await Promise.all(clones.map((c) => rebuildTree(c.dir, c.env)));
  expect(Object.keys(trees[0]!).length).toBeGreaterThan(3);
  for (const t of trees) expect(t).toEqual(trees[0]);
  for (const c of clones) {
    await expectFsckClean(c.dir);
    expect(await refs(c.dir)).not.toContain('refs/logbook-incoming/');
    expect(await refs(c.dir)).not.toContain('refs/remotes/');
  }
  await expectFsckClean(remoteDir);
  // The remote holds exactly one ref per replica, each equal to its owner's tip.
  const remoteRefs = git(remoteDir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/logbook/').trim().split('\n');
  expect(remoteRefs).toHaveLength(clones.length);
  for (const c of clones) {
    const own = git(c.dir, 'config', 'logbook.replica').trim();
    expect(remoteRefs).toContain(`${git(c.dir, 'rev-parse', `refs/logbook/replicas/${own}`).trim()} refs/logbook/replicas/${own}`);
  }
}

const SEED = Number(process.env.LOGBOOK_SYNC_SEED ?? Date.now() % 100_000);

describe(`three clones syncing in random order (seed ${SEED}; replay with LOGBOOK_SYNC_SEED)`, () => {
  it('converge through a bare repository on disk', async () => {
    const remote = makeBareRepo();
    await converge(remote, remote, [{}, {}, {}], SEED);
  });

  describe('through a smart-HTTP server', () => {
    let server: HttpGitServer;
    let root: string;
    beforeAll(async () => {
      root = tempDir('logbook-http-root-');
      server = await serveGit({ root });
    });
    afterAll(() => server.stop());

    it('converge with the system git', async () => {
      git(root, 'init', '-q', '--bare', 'git.git');
      enableHttpPush(path.join(root, 'git.git'));
      await converge(server.url('git.git'), path.join(root, 'git.git'), [{}, {}, {}], SEED + 1);
    });

    it('converge when one clone has no git binary (built-in HTTP transport) and two use git', async () => {
      git(root, 'init', '-q', '--bare', 'mixed.git');
      enableHttpPush(path.join(root, 'mixed.git'));
      await converge(server.url('mixed.git'), path.join(root, 'mixed.git'), [{ LOGBOOK_GIT_BINARY: 'none' }, {}, { LOGBOOK_GIT_BINARY: 'none' }], SEED + 2);
      expect(server.log.some((l) => l.startsWith('POST /mixed.git/git-receive-pack 200'))).toBe(true);
    });
  });
});
