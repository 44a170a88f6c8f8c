/** The sync library without the CLI: remote resolution, masking, ref-name checks, progress, formatting. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSync } from '../../cli/commands/sync.js';
import { isLogbookError } from '../../src/errors.js';
import { classifyGitFailure, gitErrorDetail } from '../../src/store/gitTransport.js';
import { isJournalRef, maskUrl } from '../../src/store/transport.js';
import { resolveRemote, sync, type SyncProgress } from '../../src/sync.js';
import { git, makeBareRepo, makeRepo } from '../helpers/repo.js';
import { appendMany, makeClone } from '../helpers/sync.js';

describe('resolveRemote', () => {
  const dir = makeRepo();
  const gitdir = path.join(dir, '.git');
  git(dir, 'remote', 'add', 'origin', 'https://ada:tok3n@example.com/team/app.git');
  git(dir, 'config', 'remote.origin.pushurl', 'git@example.com:team/app.git');

  it('a configured name goes to git by name (pushurl, insteadOf apply); URLs keep credentials out of display', () => {
    expect(resolveRemote('origin', gitdir, {}, dir)).toEqual({
      given: 'origin',
      gitArg: 'origin',
      fetchUrl: 'https://ada:tok3n@example.com/team/app.git',
      pushUrl: 'git@example.com:team/app.git',
      display: 'origin (https://ada:***@example.com/team/app.git)',
    });
  });

  it('URLs, scp-style addresses and paths', () => {
    expect(resolveRemote('ssh://git@host/x.git', gitdir, {}, dir).gitArg).toBe('ssh://git@host/x.git');
    expect(resolveRemote('git@host:team/x.git', gitdir, {}, dir).gitArg).toBe('git@host:team/x.git');
    const bare = makeBareRepo();
    expect(resolveRemote(path.relative(dir, bare), gitdir, {}, dir).gitArg).toBe(bare);
  });

  it('an unknown name lists the configured remotes', () => {
    try {
      resolveRemote('upstream', gitdir, {}, dir);
      expect.unreachable();
    } catch (e) {
      expect(isLogbookError(e, 'SYNC_FAILED')).toBe(true);
      expect((e as Error).message).toMatch(/no remote named "upstream"/);
      expect((e as { hint: string }).hint).toMatch(/configured remotes: origin/);
    }
  });
});

describe('helpers', () => {
  it('maskUrl hides passwords and tokens anywhere in a text', () => {
    expect(maskUrl('https://ada:s3cret@host/x and http://tok@h/y, git@host:x')).toBe('https://ada:***@host/x and http://***@h/y, git@host:x');
  });

  it('isJournalRef accepts only well-formed refs under refs/logbook/', () => {
    expect(isJournalRef('refs/logbook/replicas/abc123def456')).toBe(true);
    for (const bad of ['refs/heads/main', 'refs/logbook/replicas/../../config', 'refs/logbook/x.lock', 'refs/logbook//x', 'refs/logbook/.hidden', 'refs/logbook/a b']) {
      expect(isJournalRef(bad), bad).toBe(false);
    }
  });

  it("git's stderr is boiled down to what went wrong, and classified", () => {
    const stderr = "Counting objects: 100% (3/3)\rWriting objects: 100%\nfatal: unable to access 'https://h/x/': Could not resolve host: h\n";
    expect(gitErrorDetail(stderr)).toBe("fatal: unable to access 'https://h/x/': Could not resolve host: h");
    expect(classifyGitFailure(stderr)).toBe('unreachable');
    expect(classifyGitFailure("fatal: could not read Username for 'https://h': terminal prompts disabled")).toBe('auth');
    expect(classifyGitFailure('git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.')).toBe('auth');
    expect(classifyGitFailure("fatal: '/tmp/x' does not appear to be a git repository")).toBe('not-found');
  });
});

describe('sync() as a library', () => {
  it('reports transfer progress only when asked, and step messages always', async () => {
    const remote = makeBareRepo();
    const a = await makeClone(remote);
    await appendMany(a, 200);
    const quiet: SyncProgress[] = [];
    const gitdir = path.join(a, '.git');
    const first = await sync({ gitdir, env: process.env, remote: 'origin', onProgress: (p) => quiet.push(p) });
    expect(first.pushed[0]?.events).toBe(201);
    expect(quiet.every((p) => p.kind === 'step')).toBe(true);
    expect(quiet.map((p) => (p.kind === 'step' ? p.message : ''))).toEqual([expect.stringMatching(/^pushing refs\/logbook\/replicas\/\w+ to origin/), expect.stringMatching(/^fetching journal refs from origin/)]);

    const b = await makeClone(remote);
    const loud: SyncProgress[] = [];
    const second = await sync({ gitdir: path.join(b, '.git'), env: process.env, remote: 'origin', progress: true, onProgress: (p) => loud.push(p) });
    expect(second.fetched[0]?.events).toBe(201);
    expect(loud.filter((p) => p.kind === 'transfer').map((p) => (p.kind === 'transfer' ? p.text : '')).join('')).toMatch(/objects/i);
  });

  it('needs the environment given: it never reads the process environment itself', async () => {
    const a = await makeClone(makeBareRepo());
    await expect(sync({ gitdir: path.join(a, '.git'), remote: 'origin' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/needs the environment/) });
  });

  it('formatSync says what happened in a few lines', () => {
    const text = formatSync({
      remote: 'origin',
      url: 'https://example.com/x.git',
      transport: 'git',
      dryRun: false,
      replica: 'aaaaaaaaaaaa',
      fetched: [{ ref: 'refs/logbook/replicas/bbbbbbbbbbbb', replica: 'bbbbbbbbbbbb', from: null, to: '1'.repeat(40), events: 3 }],
      pushed: [{ ref: 'refs/logbook/replicas/aaaaaaaaaaaa', replica: 'aaaaaaaaaaaa', from: '2'.repeat(40), to: '3'.repeat(40), events: 1 }],
      behind: [],
      refused: [],
      pushSkipped: false,
      skipped: [],
      failed: [],
    });
    expect(text).toMatchInlineSnapshot(`
      "Fetched 3 new events of 1 replica:
        replica bbbbbbbbbbbb   +3 events (new replica)  (none)..1111111111
      Pushed 1 event of this clone (replica aaaaaaaaaaaa).
      Synced with origin (https://example.com/x.git).
      "
    `);
  });
});
