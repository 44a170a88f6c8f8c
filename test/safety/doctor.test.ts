/**
 * `logbook doctor`: each kind of damage is found (with its commit id), reported
 * with a non-zero exit, left alone without --repair, and --repair fixes only
 * what is safe (never an event deleted, never a ref moved backwards).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type DoctorReport } from '../../src/doctor.js';
import type { JournalEvent } from '../../src/events.js';
import { ok, run } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';

const REPLICAS = 'refs/logbook/replicas/';

interface Journal {
  dir: string;
  gitdir: string;
  replica: string;
  ref: string;
}

function journal(entries = 3): Journal {
  const dir = makeRepo();
  ok(dir, ['init']);
  ok(dir, ['start', '--goal', 'doctor test']);
  for (let i = 1; i <= entries; i++) ok(dir, ['log', '--progress', `step ${i}`]);
  ok(dir, ['view']); // the cache now vouches for the tip
  const replica = git(dir, 'config', 'logbook.replica').trim();
  return { dir, gitdir: path.join(dir, '.git'), replica, ref: REPLICAS + replica };
}

const codes = (r: DoctorReport) => r.findings.map((f) => f.code);
const problems = (r: DoctorReport) => r.findings.filter((f) => f.severity !== 'info');

function oldify(file: string, secondsAgo = 60): void {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(file, t, t);
}

/** Every file under .git with its size and mtime: doctor without --repair must not change any. */
function snapshot(gitdir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else {
        const s = statSync(f);
        out.push(`${path.relative(gitdir, f)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  walk(gitdir);
  return out.sort().join('\n');
}

/** A commit made with stock git on top of `parent`, with `message` as its message. */
function commitTree(j: Journal, message: string, parent?: string): string {
  const tree = git(j.dir, 'mktree').trim() || '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
  const args = ['commit-tree', tree, '-m', message];
  if (parent) args.push('-p', parent);
  return git(j.dir, ...args).trim();
}

function events(j: Journal): JournalEvent[] {
  return (JSON.parse(ok(j.dir, ['view', '--json'])) as { events: JournalEvent[] }).events;
}

function looseFile(gitdir: string, oid: string): string {
  return path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
}

describe('logbook doctor', () => {
  let healthy: Journal;
  beforeAll(() => {
    healthy = journal();
  });

  it('reports a healthy journal with exit 0, as text and as JSON', async () => {
    const text = run(healthy.dir, ['doctor']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Healthy: 4 event(s) in 1 replica(s)');
    const json = run(healthy.dir, ['doctor', '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as DoctorReport;
    expect(report.healthy).toBe(true);
    expect(report.replicas).toEqual([expect.objectContaining({ replica: healthy.replica, events: 4, commits: 4, local: true })]);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.stats.looseObjects).toBeGreaterThanOrEqual(5);
  });

  it('reads a packed journal (after git gc) just as well', async () => {
    const j = journal(3);
    git(j.dir, 'gc', '--quiet');
    const report = await runDoctor({ gitdir: j.gitdir });
    expect(report.healthy).toBe(true);
    expect(report.stats).toMatchObject({ commits: 4, events: 4 });
    expect(report.stats.looseObjects).toBeLessThan(5);
  });

  it('reports a foreign commit on a journal ref by its commit id, keeps it, and the journal still works', async () => {
    const j = journal(1);
    const foreign = commitTree(j, 'random message, not an event');
    git(j.dir, 'update-ref', `${REPLICAS}zzzzzzzzzzzz`, foreign);
    const r = run(j.dir, ['doctor']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(foreign);
    expect(r.stdout).toContain('is not a Logbook event');
    expect(r.stderr).toContain('doctor found 1 problem(s)');
    // Nothing is lost and nothing is fatal: views work, the foreign commit stays.
    expect(ok(j.dir, ['view'])).toContain('step 1');
    ok(j.dir, ['log', '--progress', 'still works']);
    run(j.dir, ['doctor', '--repair']);
    expect(git(j.dir, 'rev-parse', `${REPLICAS}zzzzzzzzzzzz`).trim()).toBe(foreign);
  });

  it('reports events from a newer Logbook as a note (kept, healthy), and invalid events as errors', async () => {
    const j = journal(1);
    const [first] = events(j);
    const future = { ...first, id: '01J00000000000000000000000', type: 'progress', v: 2, data: { text: 'from the future', mood: 'hopeful' } };
    const futureCommit = commitTree(j, `progress: from the future\n\n${JSON.stringify(future)}`, git(j.dir, 'rev-parse', j.ref).trim());
    git(j.dir, 'update-ref', j.ref, futureCommit);
    let report = await runDoctor({ gitdir: j.gitdir });
    expect(report.healthy).toBe(true);
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'future-event', severity: 'info', commit: futureCommit }));
    expect(ok(j.dir, ['view'])).toContain('step 1');

    const invalid = { ...first, id: '01J00000000000000000000001', clock: 99, type: 'progress', data: {} };
    const invalidCommit = commitTree(j, `progress: broken\n\n${JSON.stringify(invalid)}`, futureCommit);
    git(j.dir, 'update-ref', j.ref, invalidCommit);
    report = await runDoctor({ gitdir: j.gitdir });
    expect(report.healthy).toBe(false);
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'invalid-event', severity: 'error', commit: invalidCommit }));
  });

  it('finds clocks that go backwards along a ref, and one event id with two contents', async () => {
    const j = journal(2);
    const evs = events(j);
    const tip = git(j.dir, 'rev-parse', j.ref).trim();
    const low = { ...evs[1]!, id: '01J00000000000000000000002', clock: 1, data: { text: 'late but low', status: 'current' } };
    const lowCommit = commitTree(j, `progress: low\n\n${JSON.stringify(low)}`, tip);
    const twin = { ...evs[1]!, data: { text: 'edited by hand', status: 'current' }, clock: 50 };
    const twinCommit = commitTree(j, `progress: twin\n\n${JSON.stringify(twin)}`, lowCommit);
    git(j.dir, 'update-ref', j.ref, twinCommit);
    const report = await runDoctor({ gitdir: j.gitdir });
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'clock-order', commit: lowCommit }));
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'duplicate-id', commit: twinCommit }));
    expect(report.checks.find((c) => c.id === 'clocks')!.ok).toBe(false);
  });

  it('sees a ref copied under another replica id (the sign of a shared replica id)', async () => {
    const j = journal(1);
    git(j.dir, 'update-ref', `${REPLICAS}otherreplica1`, git(j.dir, 'rev-parse', j.ref).trim());
    const report = await runDoctor({ gitdir: j.gitdir });
    expect(report.findings.filter((f) => f.code === 'replica-mismatch').length).toBe(2); // session.started + progress
    expect(report.findings.some((f) => f.code === 'duplicate-id')).toBe(false); // same content twice is no conflict
  });

  it('reports a ref that moved backwards, even after a command reset the cache; --repair keeps the old history reachable', async () => {
    const j = journal(3);
    const tip = git(j.dir, 'rev-parse', j.ref).trim();
    git(j.dir, 'update-ref', j.ref, `${tip}~2`);
    let report = await runDoctor({ gitdir: j.gitdir });
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'moved-backwards', commit: tip, replica: j.replica }));
    ok(j.dir, ['view']); // a normal read notices, rereads the ref, and remembers
    report = await runDoctor({ gitdir: j.gitdir });
    expect(codes(report)).toContain('moved-backwards');
    expect(run(j.dir, ['doctor']).code).toBe(1);

    const repaired = run(j.dir, ['doctor', '--repair']);
    expect(repaired.stdout).toContain(`kept the old history of replica ${j.replica} at refs/logbook-rescued/${j.replica}/${tip}`);
    expect(repaired.code).toBe(0);
    expect(git(j.dir, 'rev-parse', `refs/logbook-rescued/${j.replica}/${tip}`).trim()).toBe(tip);
    expect(git(j.dir, 'rev-parse', j.ref).trim()).toBe(git(j.dir, 'rev-parse', `${tip}~2`).trim()); // not moved by doctor
    report = await runDoctor({ gitdir: j.gitdir });
    expect(report.healthy).toBe(true);
    expect(codes(report)).toContain('rescued-history');
  });

  it('reports a deleted replica ref', async () => {
    const j = journal(1);
    git(j.dir, 'update-ref', '-d', j.ref);
    const report = await runDoctor({ gitdir: j.gitdir });
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'ref-deleted', replica: j.replica }));
  });

  it('reports a ref file that holds no commit id', async () => {
    const j = journal(1);
    writeFileSync(path.join(j.gitdir, REPLICAS, 'badbadbadbad'), 'not a sha\n');
    const report = await runDoctor({ gitdir: j.gitdir });
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'bad-ref', severity: 'error', replica: 'badbadbadbad' }));
  });

  it('reports stale locks and temp files, changes nothing without --repair, removes them with it', async () => {
    const j = journal(1);
    const lock = path.join(j.gitdir, `${j.ref}.lock`);
    writeFileSync(lock, '');
    oldify(lock);
    const cacheLock = path.join(j.gitdir, 'logbook', 'cache', 'cache.lock');
    writeFileSync(cacheLock, '');
    oldify(cacheLock);
    const tip = git(j.dir, 'rev-parse', j.ref).trim();
    const tmp = `${looseFile(j.gitdir, tip)}.tmp-123-abc`;
    writeFileSync(tmp, 'half');
    oldify(tmp);
    const before = snapshot(j.gitdir);
    const r = run(j.dir, ['doctor']);
    expect(r.code).toBe(1);
    expect(snapshot(j.gitdir)).toBe(before);
    const report = await runDoctor({ gitdir: j.gitdir });
    expect(codes(report).filter((c) => c === 'stale-lock')).toHaveLength(2);
    expect(codes(report)).toContain('leftover-file');

    const fixed = await runDoctor({ gitdir: j.gitdir, repair: true });
    expect(fixed.repairs).toEqual(expect.arrayContaining([`removed stale lock ${path.relative(j.gitdir, lock)}`, expect.stringContaining('removed leftover')]));
    expect(fixed.healthy).toBe(true);
    expect(existsSync(lock) || existsSync(cacheLock) || existsSync(tmp)).toBe(false);
  });

  it('leaves a fresh lock of a running writer alone', async () => {
    const j = journal(1);
    const lock = path.join(j.gitdir, `${j.ref}.lock`);
    writeFileSync(lock, '');
    const report = await runDoctor({ gitdir: j.gitdir, repair: true });
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'busy-lock', severity: 'info' }));
    expect(existsSync(lock)).toBe(true);
  });

  it('handles a corrupt, an old-version and a tampered cache: commands keep working, doctor reports, --repair rebuilds', async () => {
    const j = journal(2);
    const meta = path.join(j.gitdir, 'logbook', 'cache', 'meta.json');

    writeFileSync(meta, '{"version": 1, "replicas": {');
    expect(ok(j.dir, ['view'])).toContain('step 2');
    writeFileSync(meta, '{ not json');
    expect(codes(await runDoctor({ gitdir: j.gitdir }))).toContain('cache-corrupt');
    expect((await runDoctor({ gitdir: j.gitdir, repair: true })).healthy).toBe(true);

    writeFileSync(meta, JSON.stringify({ version: 0, sessions: [] }));
    expect(ok(j.dir, ['view'])).toContain('step 2');
    writeFileSync(meta, JSON.stringify({ version: 0, sessions: [] }));
    const old = await runDoctor({ gitdir: j.gitdir });
    expect(old.healthy).toBe(true);
    expect(codes(old)).toContain('cache-version');

    ok(j.dir, ['view']);
    const views = readdirSync(path.join(j.gitdir, 'logbook', 'cache')).filter((f) => f.endsWith('.json') && f !== 'meta.json');
    expect(views.length).toBeGreaterThan(0);
    writeFileSync(path.join(j.gitdir, 'logbook', 'cache', views[0]!), '{"version": 1, "tips": {');
    expect(codes(await runDoctor({ gitdir: j.gitdir }))).toContain('cache-corrupt');
    expect((await runDoctor({ gitdir: j.gitdir, repair: true })).healthy).toBe(true);
    expect(ok(j.dir, ['view'])).toContain('step 2');

    ok(j.dir, ['view']);
    const ndjson = path.join(j.gitdir, 'logbook', 'cache', `${j.replica}.ndjson`);
    writeFileSync(ndjson, readFileSync(ndjson, 'utf8').replace('step 2', 'step X'));
    const tampered = await runDoctor({ gitdir: j.gitdir });
    expect(tampered.findings).toContainEqual(expect.objectContaining({ code: 'cache-mismatch', severity: 'error' }));
    const fixed = await runDoctor({ gitdir: j.gitdir, repair: true });
    expect(fixed.repairs).toContain('rebuilt the cache from the refs');
    expect(fixed.healthy).toBe(true);
    expect(readFileSync(ndjson, 'utf8')).toContain('step 2');
  });

  it('finds a damaged journal commit by its id and restores it byte for byte from the cache', async () => {
    const j = journal(3);
    const victim = git(j.dir, 'rev-parse', `${j.ref}~1`).trim();
    const file = looseFile(j.gitdir, victim);
    const good = readFileSync(file);
    writeFileSync(file, good.subarray(0, 10), { mode: 0o644 }); // truncated
    const r = run(j.dir, ['doctor', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'objects', commit: victim, severity: 'error', fixable: true }));
    expect(() => git(j.dir, 'fsck', '--strict')).toThrow();

    const fixed = await runDoctor({ gitdir: j.gitdir, repair: true });
    expect(fixed.repairs).toContain(`restored journal commit ${victim} of replica ${j.replica} from the cache`);
    expect(fixed.healthy).toBe(true);
    git(j.dir, 'fsck', '--strict');
    expect(ok(j.dir, ['view'])).toContain('step 2');
  });

  it('moves a damaged loose object aside only when no ref reaches it', async () => {
    const j = journal(1);
    const stray = 'ab' + 'c'.repeat(38);
    mkdirSync(path.dirname(looseFile(j.gitdir, stray)), { recursive: true });
    writeFileSync(looseFile(j.gitdir, stray), deflateSync(Buffer.from('blob 3\0abc'))); // hash does not match its name
    const report = await runDoctor({ gitdir: j.gitdir });
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'corrupt-loose-object', commit: stray, severity: 'warning' }));
    let fixed = await runDoctor({ gitdir: j.gitdir, repair: true });
    expect(fixed.repairs).toContain(`moved unreachable damaged object ${stray} to .git/logbook/quarantine/`);
    expect(existsSync(looseFile(j.gitdir, stray))).toBe(false);
    expect(existsSync(path.join(j.gitdir, 'logbook', 'quarantine', stray))).toBe(true);
    expect(fixed.healthy).toBe(true);

    // A damaged object that a branch needs: reported, never removed.
    const head = git(j.dir, 'rev-parse', 'HEAD').trim();
    writeFileSync(looseFile(j.gitdir, head), 'garbage', { mode: 0o644 });
    fixed = await runDoctor({ gitdir: j.gitdir, repair: true });
    expect(existsSync(looseFile(j.gitdir, head))).toBe(true);
    expect(fixed.healthy).toBe(false);
    expect(problems(fixed).map((f) => f.commit)).toEqual([head]);
  });

  it('--repair never moves a ref or drops an event', async () => {
    const j = journal(2);
    const refsBefore = execFileSync('git', ['for-each-ref', 'refs/logbook/'], { cwd: j.dir, encoding: 'utf8' });
    const countBefore = events(j).length;
    await runDoctor({ gitdir: j.gitdir, repair: true });
    expect(execFileSync('git', ['for-each-ref', 'refs/logbook/'], { cwd: j.dir, encoding: 'utf8' })).toBe(refsBefore);
    expect(events(j)).toHaveLength(countBefore);
  });
});

describe('formatDoctorReport', () => {
  it('renders checks, repairs, problems with hints, and notes', async () => {
    const { formatDoctorReport } = await import('../../cli/commands/doctor.js');
    const report: DoctorReport = {
      gitdir: '/repo/.git',
      replica: 'aaaaaaaaaaaa',
      healthy: false,
      replicas: [
        { replica: 'aaaaaaaaaaaa', tip: '1'.repeat(40), commits: 3, events: 3, unreadable: 0, local: true },
        { replica: 'zzzzzzzzzzzz', tip: '2'.repeat(40), commits: 1, events: 0, unreadable: 1, local: false },
      ],
      checks: [
        { id: 'events', title: 'every commit is a valid Logbook event', ok: false },
        { id: 'locks', title: 'no lock or temp file left by a killed process', ok: true },
      ],
      findings: [
        { check: 'events', code: 'foreign-commit', severity: 'error', commit: '2'.repeat(40), message: 'commit 222… is not a Logbook event', hint: 'Logbook skips it and keeps it' },
        { check: 'locks', code: 'stale-lock', severity: 'warning', fixable: true, message: 'refs/logbook/replicas/x.lock was left by a process that died 9 s ago' },
        { check: 'history', code: 'rescued-history', severity: 'info', message: 'an old history is kept at refs/logbook-rescued/x/1' },
      ],
      repairs: [],
      stats: { commits: 4, events: 3, looseObjects: 9 },
    };
    expect(formatDoctorReport(report)).toMatchInlineSnapshot(`
      "Logbook doctor: /repo/.git (this clone is replica aaaaaaaaaaaa)
      Replicas:
        aaaaaaaaaaaa (this clone): 3 event(s), tip 111111111111
        zzzzzzzzzzzz: 0 event(s), 1 unreadable commit(s), tip 222222222222
      Checks:
        FAIL  events    every commit is a valid Logbook event
        ok    locks     no lock or temp file left by a killed process
      Problems:
        error    events    commit 222… is not a Logbook event
                           hint: Logbook skips it and keeps it
        warning  locks     refs/logbook/replicas/x.lock was left by a process that died 9 s ago
      Notes:
        info     history   an old history is kept at refs/logbook-rescued/x/1
      2 problem(s): 1 error(s), 1 warning(s). \`logbook doctor --repair\` can fix 1 of them safely.
      "
    `);
  });
});
