/**
 * `logbook doctor` checks time travel's order index (src/timetravel/orderIndex.ts)
 * against the events it read from git, as it checks the rest of the cache:
 * an index that says other than the journal (a forged type moves where
 * `--at checkpoint:N` cuts) is reported, `--repair` drops it, and the next
 * `view --at` builds it again and shows the right moment.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor.js';
import { ok } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';

describe('doctor and the order index', () => {
  it('a healthy index passes; a forged one is reported, repaired away, and built again right', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'order index']);
    ok(dir, ['log', '--progress', 'one']);
    ok(dir, ['checkpoint', '--note', 'first']);
    ok(dir, ['log', '--decision', 'two', '--rationale', 'why not']);
    const before = ok(dir, ['view', '--at', 'checkpoint:1']);
    // Lines a read has just found are indexed at the next read, once the cache file holds them.
    expect(ok(dir, ['view', '--at', 'checkpoint:1'])).toBe(before);
    const replica = git(dir, 'config', 'logbook.replica').trim();
    const gitdir = path.join(dir, '.git');
    const idx = path.join(gitdir, 'logbook', 'cache', 'timetravel', `${replica}.idx`);
    expect(existsSync(idx)).toBe(true);
    let report = await runDoctor({ gitdir });
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);

    // The header names the types: make the decision a checkpoint, so checkpoint:1 would cut elsewhere.
    const bytes = readFileSync(idx);
    const nl = bytes.indexOf(10);
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as { types: string[] };
    const d = header.types.indexOf('decision');
    const c = header.types.indexOf('session.checkpointed');
    expect(d).toBeGreaterThanOrEqual(0);
    header.types[d] = 'session.checkpointed';
    header.types[c] = 'decision';
    writeFileSync(idx, Buffer.concat([Buffer.from(JSON.stringify(header)), bytes.subarray(nl)]));
    report = await runDoctor({ gitdir });
    const found = report.findings.filter((f) => f.code === 'order-index-mismatch');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ check: 'cache', severity: 'warning', fixable: true });
    expect(found[0]!.message).toMatch(/says other than the journal for event/);
    expect(report.healthy).toBe(false);

    report = await runDoctor({ gitdir, repair: true });
    expect(report.healthy).toBe(true);
    expect(existsSync(idx)).toBe(false);
    expect(ok(dir, ['view', '--at', 'checkpoint:1'])).toBe(before);
    expect(existsSync(idx)).toBe(true);
    expect((await runDoctor({ gitdir })).healthy).toBe(true);
  });

  it('a damaged index is reported as such', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'damaged']);
    ok(dir, ['checkpoint', '--note', 'c']);
    ok(dir, ['view', '--at', 'checkpoint:1']);
    const replica = git(dir, 'config', 'logbook.replica').trim();
    const gitdir = path.join(dir, '.git');
    writeFileSync(path.join(gitdir, 'logbook', 'cache', 'timetravel', `${replica}.idx`), '{"format":"logbook-order-index/3"}\ngarbage');
    const report = await runDoctor({ gitdir });
    expect(report.findings.find((f) => f.code === 'order-index-mismatch')?.message).toMatch(/is damaged or of another format/);
  });
});
