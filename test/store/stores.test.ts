import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitStore } from '../../src/store/git.js';
import { MemoryStore } from '../../src/store/memory.js';
import { ev } from '../helpers/events.js';
import { git, makeRepo } from '../helpers/repo.js';
import { testEventStore } from './contract.js';

testEventStore('memory', async () => new MemoryStore());
testEventStore('git', async () => new GitStore(path.join(makeRepo(), '.git')));
testEventStore('git without a git binary', async () => new GitStore(path.join(makeRepo(), '.git'), { gitBinary: null }));

describe('git store bulk reads', () => {
  it('reads a long history the same through `git log` as object by object, packed or loose', async () => {
    const dir = makeRepo();
    const gitdir = path.join(dir, '.git');
    const writer = new GitStore(gitdir);
    let tip: string | null = null;
    const S = '20260102_1000_abcd';
    for (let i = 1; i <= 60; i += 5) {
      const batch = Array.from({ length: 5 }, (_, k) => ev({ type: 'next', session: S, data: { text: `n${i + k}` } }, { clock: i + k }));
      tip = (await writer.append({ replica: 'replicaaaaaa', events: batch, expectedTip: tip })).tip;
    }
    const read = async (gitBinary: string | null) => {
      rmSync(path.join(gitdir, 'logbook'), { recursive: true, force: true });
      return (await new GitStore(gitdir, { gitBinary }).read()).events;
    };
    const viaGit = await read('git');
    const viaObjects = await read(null);
    expect(viaGit).toHaveLength(60);
    expect(viaGit).toEqual(viaObjects);
    git(dir, 'gc', '-q', '--prune=now');
    expect(await read('git')).toEqual(viaObjects);
    expect(await read(null)).toEqual(viaObjects);
    expect(await read('/nonexistent/git')).toEqual(viaObjects);
  });
});
