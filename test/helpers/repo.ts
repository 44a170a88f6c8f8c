/** Real git repositories in temp dirs, removed after each test file. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test file ends. */
export function tempDir(prefix = 'logbook-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Run stock git; returns stdout. Throws with stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

/** A new git repository with one commit on `main` and a user identity. */
export function makeRepo(options: { commit?: boolean; name?: string } = {}): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', options.name ?? 'Ada Lovelace');
  git(dir, 'config', 'user.email', 'ada@example.com');
  if (options.commit !== false) {
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
  }
  return dir;
}

/** A bare repository (a remote). */
export function makeBareRepo(): string {
  const dir = tempDir('logbook-remote-');
  git(dir, 'init', '-q', '--bare');
  return dir;
}

/** Every file under `dir`: relative path -> content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}
