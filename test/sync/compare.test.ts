/**
 * GitTransport.compare answers from loose commits when it can (a sync of a few new events then
 * costs no `git rev-list`), and its answer is git's in every history: loose or packed, linear or
 * forked, with merges, with `git replace`. A wrapper around git logs each run, so the test sees
 * which path answered.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GitTransport, findExecutable } from '../../src/store/gitTransport.js';
import { EMPTY_TREE, writeCommitObject, writeLooseObject } from '../../src/store/objects.js';
import { git, makeRepo, tempDir } from '../helpers/repo.js';

function loggingGit(): { binary: string; log: string } {
  const dir = tempDir('logbook-git-wrapper-');
  const log = path.join(dir, 'runs.log');
  const binary = path.join(dir, 'git');
  writeFileSync(binary, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${findExecutable('git', process.env)}' "$@"\n`);
  chmodSync(binary, 0o755);
  return { binary, log };
}

const runs = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('rev-list')).length : 0);

function transport(dir: string, binary: string): GitTransport {
  return new GitTransport({ binary, gitdir: path.join(dir, '.git'), remote: '.', display: 'here', env: process.env, cwd: dir, progress: false, interactive: false, timeoutSeconds: 30 });
}

let clock = 1_700_000_000;
const commit = (dir: string, parents: string[], label: string) =>
  parents.length <= 1
    ? writeCommitObject(path.join(dir, '.git'), { tree: EMPTY_TREE, parent: parents[0] ?? null, name: 'T', email: 't@example.com', seconds: clock++, message: `${label}\n` })
    : git(dir, 'commit-tree', EMPTY_TREE, ...parents.flatMap((p) => ['-p', p]), '-m', label).trim();

/** git's own answer. */
function revList(dir: string, a: string, b: string | null): { aOnly: number; bOnly: number } {
  if (b === null) return { aOnly: Number(git(dir, 'rev-list', '--count', a, '--').trim()), bOnly: 0 };
  const [l, r] = git(dir, 'rev-list', '--left-right', '--count', `${a}...${b}`, '--').trim().split(/\s+/).map(Number);
  return { aOnly: l!, bOnly: r! };
}

describe('GitTransport.compare', () => {
  it('a few loose single-parent commits are counted without git; a packed history, a merge or a fork goes to git', async () => {
    const dir = makeRepo({ commit: false });
    writeLooseObject(path.join(dir, '.git'), 'tree', Buffer.alloc(0));
    const { binary, log } = loggingGit();
    const t = transport(dir, binary);
    const chain = [commit(dir, [], 'root')];
    for (let i = 1; i < 5; i++) chain.push(commit(dir, [chain[i - 1]!], `c${i}`));
    expect(await t.compare(chain[4]!, chain[1]!)).toEqual({ aOnly: 3, bOnly: 0 });
    expect(await t.compare(chain[1]!, chain[4]!)).toEqual({ aOnly: 0, bOnly: 3 });
    expect(await t.compare(chain[4]!, null)).toEqual({ aOnly: 5, bOnly: 0 });
    expect(runs(log)).toBe(0);
    const fork = commit(dir, [chain[2]!], 'fork');
    expect(await t.compare(chain[4]!, fork)).toEqual({ aOnly: 2, bOnly: 1 });
    expect(runs(log)).toBe(1);
    const merge = commit(dir, [chain[4]!, fork], 'merge');
    expect(await t.compare(merge, chain[4]!)).toEqual(revList(dir, merge, chain[4]!));
    expect(runs(log)).toBe(2);
    // Packed: the loose files are gone, git answers.
    git(dir, 'update-ref', 'refs/logbook/replicas/abcdefgh', merge);
    git(dir, 'repack', '-adq');
    git(dir, 'prune-packed');
    expect(await t.compare(chain[4]!, chain[1]!)).toEqual({ aOnly: 3, bOnly: 0 });
    expect(runs(log)).toBe(3);
  });

  it('is git’s answer for any history, loose or packed, with or without a replace ref', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ parent: fc.nat(), second: fc.option(fc.nat(), { nil: undefined, freq: 3 }) }), { minLength: 1, maxLength: 25 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.array(fc.tuple(fc.nat(), fc.option(fc.nat(), { nil: null })), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (shape, packAt, pairs, replace) => {
          const dir = makeRepo({ commit: false });
          writeLooseObject(path.join(dir, '.git'), 'tree', Buffer.alloc(0));
          const oids: string[] = [];
          for (const [i, s] of shape.entries()) {
            const parents = i === 0 ? [] : [oids[s.parent % i]!];
            if (s.second !== undefined && i > 1 && s.second % i !== s.parent % i) parents.push(oids[s.second % i]!);
            oids.push(commit(dir, parents, `c${i}`));
            // Pack what exists so far once: an older part of history packed, the newer one loose.
            if (packAt !== undefined && i === packAt % shape.length) {
              git(dir, 'update-ref', 'refs/logbook/replicas/abcdefgh', oids[i]!);
              git(dir, 'repack', '-adq');
              git(dir, 'prune-packed');
            }
          }
          if (replace && oids.length > 2) git(dir, 'replace', oids[oids.length - 1]!, oids[1]!);
          const t = transport(dir, 'git');
          for (const [a, b] of pairs) {
            const x = oids[a % oids.length]!;
            const y = b === null ? null : oids[b % oids.length]!;
            expect(await t.compare(x, y), `${a} ${b}`).toEqual(x === y ? { aOnly: 0, bOnly: 0 } : revList(dir, x, y));
          }
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 25 },
    );
  });
});
