import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { isLogbookError } from '../../src/errors.js';
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

describe('git store batch appends', () => {
  it('writes a batch as one pack that stock git verifies and both read paths read back', async () => {
    const dir = makeRepo();
    const gitdir = path.join(dir, '.git');
    const S = '20260102_1000_abcd';
    const batch = Array.from({ length: 300 }, (_, k) => ev({ type: 'tool.used', session: S, data: { tool: `T${k}`, success: k % 7 !== 0, durationMs: k } }, { clock: k + 1 }));
    const { tip } = await new GitStore(gitdir).append({ replica: 'replicaaaaaa', events: batch, expectedTip: null });
    const small = [ev({ type: 'next', session: S, data: { text: 'after the pack' } }, { clock: 301 })];
    await new GitStore(gitdir).append({ replica: 'replicaaaaaa', events: small, expectedTip: tip });
    const packs = readdirSync(path.join(gitdir, 'objects', 'pack')).filter((f) => f.endsWith('.pack'));
    expect(packs).toHaveLength(1);
    expect(readdirSync(path.join(gitdir, 'objects', 'pack')).filter((f) => f.startsWith('tmp_'))).toEqual([]);
    git(dir, 'verify-pack', path.join(gitdir, 'objects', 'pack', packs[0]!));
    git(dir, 'fsck', '--strict', '--no-dangling');
    expect(git(dir, 'rev-list', '--count', 'refs/logbook/replicas/replicaaaaaa').trim()).toBe('301');
    for (const gitBinary of ['git', null]) {
      const events = (await new GitStore(gitdir, { gitBinary, cacheDir: path.join(dir, `cache-${gitBinary}`) }).read()).events;
      expect(events.map((e) => e.id)).toEqual([...batch, ...small].map((e) => e.id));
    }
  });
});

describe('git store refs', () => {
  it('a damaged ref file stops appends with a clear error instead of starting a new history', async () => {
    const dir = makeRepo();
    const gitdir = path.join(dir, '.git');
    const S = '20260102_1000_abcd';
    const store = new GitStore(gitdir);
    const { tip } = await store.append({ replica: 'replicaaaaaa', events: [ev({ type: 'next', session: S, data: { text: 'kept' } }, { clock: 1 })], expectedTip: null });
    writeFileSync(path.join(gitdir, 'refs/logbook/replicas/replicaaaaaa'), '');
    let error: unknown;
    try {
      await store.append({ replica: 'replicaaaaaa', events: [ev({ type: 'next', session: S, data: { text: 'new root?' } }, { clock: 2 })], expectedTip: null });
    } catch (e) {
      error = e;
    }
    expect(isLogbookError(error, 'CORRUPT_OBJECT')).toBe(true);
    expect((error as Error).message).toMatch(/not a commit id/);
    expect(readFileSync(path.join(gitdir, 'refs/logbook/replicas/replicaaaaaa'), 'utf8')).toBe(''); // untouched: the old tip is still recoverable
    expect(existsSync(path.join(gitdir, 'refs/logbook/replicas/replicaaaaaa.lock'))).toBe(false);
    expect(git(dir, 'cat-file', '-t', tip).trim()).toBe('commit');
  });
});
