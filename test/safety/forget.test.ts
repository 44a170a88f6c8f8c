/**
 * The purge procedure of docs/safety.md, run exactly as documented: after it
 * the secret is in no git object, every other event is kept byte for byte,
 * and the journal is healthy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/events.js';
import { Journal } from '../../src/journal.js';
import { ROOT, ok, run } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';

function purgeScript(): string {
  const doc = readFileSync(path.join(ROOT, 'docs', 'safety.md'), 'utf8');
  const m = /<!-- purge-script -->\n```sh\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error('docs/safety.md has no purge script');
  return m[1]!;
}

const allObjects = (dir: string) => execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 28 });
const eventsOf = async (dir: string): Promise<JournalEvent[]> => await Journal.open({ cwd: dir, env: {} }).events();

describe('purging a commit by hand (docs/safety.md)', () => {
  it.each([['in the middle', 1], ['at the root', 0]])('removes the event %s from every git object and keeps the rest', async (_where, position) => {
    const dir = makeRepo();
    ok(dir, ['init']);
    // Not a pattern redaction knows: exactly the kind of secret that slips through.
    const secret = 'horse-battery-' + 'Zq8'.repeat(6);
    if (position === 0) ok(dir, ['state', 'set', '--focus', `focus ${secret}`]); // the root commit
    ok(dir, ['start', '--goal', 'purge test']);
    if (position === 1) ok(dir, ['log', '--progress', `oops ${secret}`]);
    ok(dir, ['log', '--progress', 'after one']);
    ok(dir, ['log', '--decision', 'after two']);
    const events = await eventsOf(dir);
    const bad = events.find((e) => JSON.stringify(e).includes(secret))!;
    ok(dir, ['redact', bad.id, '--reason', 'leaked']);
    expect(allObjects(dir)).toContain(secret); // redact alone does not purge, as the docs say
    expect(JSON.stringify(await eventsOf(dir))).not.toContain(secret); // but no view shows it

    const ref = `refs/logbook/replicas/${git(dir, 'config', 'logbook.replica').trim()}`;
    const badCommit = git(dir, 'log', '--format=%H %B', ref).split('\n').find((l) => /^[0-9a-f]{40} /.test(l) && l.includes(secret))!.slice(0, 40);
    const script = purgeScript().replace(/^REF=.*$/m, `REF=${ref}`).replace(/^BAD=.*$/m, `BAD=${badCommit}`);
    execFileSync('bash', ['-euc', script], { cwd: dir, stdio: 'pipe' });

    expect(allObjects(dir)).not.toContain(secret);
    git(dir, 'fsck', '--strict');
    const after = await eventsOf(dir);
    const kept = events.filter((e) => e.id !== bad.id);
    expect(after.slice(0, -1).map((e) => e.id)).toEqual(kept.map((e) => e.id));
    // Every kept event is byte for byte what it was; the redaction event is still there.
    for (const e of after.slice(0, -1)) expect(e).toEqual(kept.find((x) => x.id === e.id));
    expect(after.at(-1)).toMatchObject({ type: 'redaction', data: { event: bad.id } });
    expect(run(dir, ['doctor']).code).toBe(0);
  });
});
