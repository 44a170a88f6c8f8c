/**
 * A reader that closes the pipe early (`logbook list --json | head -c 1`) ends
 * the CLI quietly: no EPIPE stack trace, no non-zero exit of its own making.
 */
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ok } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', LOGBOOK_SESSION: undefined, LOGBOOK_CLIENT_SESSION: undefined };

describe('EPIPE', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'fill the pipe']);
    // More than a pipe buffer (64 KiB) of output, so the writer is still writing when the reader leaves.
    for (let i = 0; i < 3; i++) ok(dir, ['log', '--progress', '-'], { input: `${i} ${'x'.repeat(60_000)}` });
  });

  it('`view --json | head -c 1` prints one byte and no error', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" view --json | head -c 1`], { cwd: dir, encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('{')).toBe(true);
  });

  it.each([['list', '--json'], ['view', '--json']])('`%s %s` into a pipe closed before it writes: exit 0, nothing on stderr', async (...args) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
