import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { updateGitConfig } from '../../src/repo.js';
import { makeRepo } from '../helpers/repo.js';

describe('updateGitConfig', () => {
  const parent = path.join(os.tmpdir(), `logbook-repo-${process.pid}-${Date.now()}`);
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('edits the config under config.lock', () => {
    const gitdir = path.join(makeRepo(), '.git');
    updateGitConfig(gitdir, (text) => `${text}[logbook]\n\tprobe = 1\n`);
    expect(readFileSync(path.join(gitdir, 'config'), 'utf8')).toContain('probe = 1');
  });

  it('a lock file it cannot create is NOT_WRITABLE with its cause, not LOCKED', () => {
    // A file where the directory should be: ENOTDIR whoever runs the test (root ignores permission bits).
    mkdirSync(parent, { recursive: true });
    const gitdir = path.join(parent, 'not-a-dir');
    writeFileSync(gitdir, '');
    let caught: unknown;
    try {
      updateGitConfig(gitdir, (text) => text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'NOT_WRITABLE', cause: { code: 'ENOTDIR' } });
  });
});
