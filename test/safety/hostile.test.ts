/**
 * Hostile input: each case gives a clear message and a non-zero exit (or, for
 * hooks, exit 0 and silence), and loses nothing already in the journal.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';
import type { JournalEvent } from '../../src/events.js';
import { MAX_TEXT_BYTES } from '../../src/limits.js';
import { ok, run } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/repo.js';

const REPLICAS = 'refs/logbook/replicas/';

function eventsOf(dir: string): JournalEvent[] {
  return (JSON.parse(ok(dir, ['view', '--json'])) as { events: JournalEvent[] }).events;
}

/** The CLI in-process, with an in-memory Io. */
async function inProcess(cwd: string, argv: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd,
    env: { HOME: cwd, GIT_CONFIG_NOSYSTEM: '1' },
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => stdin,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('hostile input', () => {
  let dir: string;
  let ref: string;
  beforeAll(() => {
    dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'hostile input']);
    ok(dir, ['log', '--progress', 'first entry']);
    ref = REPLICAS + git(dir, 'config', 'logbook.replica').trim();
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['log', '--progres', 'x'], /unknown option '--progres'/],
    [['log', '--progress'], /option '--progress <text>' argument missing/],
    [['start', '--goal'], /argument missing/],
    [['view', 'a', 'b', 'c'], /too many arguments/],
  ])('malformed argv %j: exit 2 with a hint', (argv, message) => {
    const r = run(dir, argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toContain('internal error');
  });

  it.each([
    [['log', '--session', '../../etc/passwd', '--progress', 'x'], /no session matches/],
    [['start', '--name', '!!!'], /--name "!!!" has no letter or digit to make a short name from/],
    [['start', '--name', ''], /--name needs a non-empty value/],
    [['log', '--resolve', 'nothing'], /has no open blocker/],
    [['close'], /exactly one of --complete or --abandon/],
    [['log'], /nothing to log/],
  ])('invalid values %j: exit 1 with what was wrong', (argv, message) => {
    const r = run(dir, argv as string[]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('hint:');
  });

  it('refuses 1 MB of text (stdin, and in-process argv) with the limit and a hint; nothing is written', async () => {
    const before = eventsOf(dir).length;
    const big = 'x'.repeat(1024 * 1024);
    const r = run(dir, ['log', '--progress', '-'], { input: big });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('progress text is 1.0 MiB (1048576 bytes); one journal entry holds at most 64 KiB');
    expect(r.stderr).toContain('hint:');
    const inproc = await inProcess(dir, ['log', '--decision', 'ok', '--rationale', big]);
    expect(inproc.code).toBe(1);
    expect(inproc.stderr).toContain('decision rationale is 1.0 MiB');
    // Just over the limit in multi-byte characters is refused too; just under is accepted.
    expect(run(dir, ['log', '--next', '-'], { input: 'é'.repeat(MAX_TEXT_BYTES / 2 + 1) }).code).toBe(1);
    expect(run(dir, ['log', '--next', '-'], { input: 'é'.repeat(MAX_TEXT_BYTES / 2) }).code).toBe(0);
    expect(eventsOf(dir).length).toBe(before + 1);
  });

  it('keeps control characters and invalid UTF-8 from stdin as given (NUL dropped), with a clean one-line subject', () => {
    const raw = Buffer.concat([Buffer.from('bell\x07 tab\t esc\x1b[31m nul\0 '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' line\nbreak\r\nend')]);
    const r = execFileSync(process.execPath, [path.resolve('bin/logbook.cjs'), 'log', '--discovery', '-', '--json'], { cwd: dir, input: raw, encoding: 'utf8' });
    const [event] = JSON.parse(r) as JournalEvent[];
    const text = (event!.data as { text: string }).text;
    expect(text).toBe('bell\x07 tab\t esc\x1b[31m nul \ufffd\ufffd\ufffd line\nbreak\r\nend');
    const subject = git(dir, 'log', '-1', '--format=%s', ref).trim();
    expect(subject).toMatch(/^discovery\(s_[0-9a-z]{4}\): bell +tab +esc +\[31m +nul/);
    expect(subject).not.toMatch(/[\x00-\x1f]/);
    git(dir, 'fsck', '--strict');
  });

  it('writes a valid commit whatever the actor name holds', () => {
    ok(dir, ['log', '--next', 'odd actor'], { env: { LOGBOOK_ACTOR: 'Eve <x>\nparent 0000000000000000000000000000000000000000 <evil@example.com>' } });
    ok(dir, ['log', '--next', 'odd actor 2'], { env: { LOGBOOK_ACTOR: '<>\t<>' } });
    git(dir, 'fsck', '--strict');
    expect(git(dir, 'log', '-1', '--format=%P', ref).trim().split(' ')).toHaveLength(1);
  });

  it('survives foreign commits on a journal ref: commands work, nothing is lost, doctor names them', () => {
    const d = makeRepo();
    ok(d, ['init']);
    ok(d, ['start', '--goal', 'foreign']);
    ok(d, ['log', '--progress', 'mine']);
    const tree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
    const msgs = ['random message', 'subject\n\n[1, 2, 3]', 'subject\n\n{"type": "progress"', 'subject\n\nnull'];
    let parent: string | undefined;
    for (const m of msgs) parent = git(d, 'commit-tree', tree, '-m', m, ...(parent ? ['-p', parent] : [])).trim();
    git(d, 'update-ref', `${REPLICAS}zzzzzzzzzzzz`, parent!);
    // Binary junk in a message too.
    const junk = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], {
      cwd: d,
      input: Buffer.concat([Buffer.from(`tree ${tree}\nauthor a <a> 1 +0000\ncommitter a <a> 1 +0000\n\n`), Buffer.from([0xff, 0x00, 0xfe, 0x0a])]),
      encoding: 'utf8',
    }).trim();
    git(d, 'update-ref', `${REPLICAS}yyyyyyyyyyyy`, junk);
    for (const cmd of [['view'], ['list'], ['resume'], ['log', '--progress', 'still mine']]) {
      const r = run(d, cmd);
      expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(eventsOf(d).map((e) => (e.data as { text?: string }).text).filter(Boolean)).toEqual(['mine', 'still mine']);
    const doctor = run(d, ['doctor', '--json']);
    expect(doctor.code).toBe(1);
    const foreign = (JSON.parse(doctor.stdout) as { findings: Array<{ code: string; commit?: string }> }).findings.filter((f) => f.code === 'foreign-commit' || f.code === 'invalid-event');
    expect(foreign.map((f) => f.commit)).toContain(junk);
    expect(foreign.length).toBe(5);
    expect(git(d, 'rev-parse', `${REPLICAS}zzzzzzzzzzzz`).trim()).toBe(parent);
  });

  it('keeps events from a future schema version and says so on stderr, leaving --json output clean', () => {
    const d = makeRepo();
    ok(d, ['init']);
    ok(d, ['start', '--goal', 'future']);
    const [e] = eventsOf(d);
    const r = REPLICAS + git(d, 'config', 'logbook.replica').trim();
    const future = { ...e, id: '01J00000000000000000000009', clock: 5, v: 3, type: 'progress', data: { text: 'from v3' } };
    const unknown = { ...e, id: '01J0000000000000000000000A', clock: 6, type: 'hologram.projected', data: {} };
    let tip = git(d, 'rev-parse', r).trim();
    for (const ev of [future, unknown]) tip = git(d, 'commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-p', tip, '-m', `x\n\n${JSON.stringify(ev)}`).trim();
    git(d, 'update-ref', r, tip);
    const view = run(d, ['view', '--json']);
    expect(view.code).toBe(0);
    expect(() => JSON.parse(view.stdout)).not.toThrow();
    expect(view.stderr).toContain('2 event(s) written by a newer Logbook are kept but not shown');
    expect(view.stderr).toContain('hologram.projected');
    ok(d, ['log', '--progress', 'after the future']);
    expect(git(d, 'log', '--format=%H', r).split('\n').filter(Boolean)).toHaveLength(4); // nothing dropped
  });

  it('rebuilds a corrupt, binary or old-version cache without a word, and loses nothing', () => {
    const cache = path.join(dir, '.git', 'logbook', 'cache');
    const before = eventsOf(dir).length;
    const replica = git(dir, 'config', 'logbook.replica').trim();
    for (const [file, content] of [
      ['meta.json', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
      ['meta.json', '{"version": 99, "replicas": {}}'],
      [`${replica}.ndjson`, '{"c": "nope"}\n\u0000garbage\n'],
      ['meta.json', JSON.stringify({ version: 1, replicas: { [replica]: { tip: 'f'.repeat(40), bytes: 5 } } })],
      ['meta.json', JSON.stringify({ version: 1, replicas: null })],
      // Longer than meta.json vouches for, so the size alone looks fine.
      [`${replica}.ndjson`, Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256))],
    ] as const) {
      mkdirSync(cache, { recursive: true });
      writeFileSync(path.join(cache, file), content);
      const r = run(dir, ['list', '--json']) && run(dir, ['view', '--json']);
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      expect((JSON.parse(r.stdout) as { events: unknown[] }).events.length).toBe(before);
    }
  });

  it('`logbook hook` with garbage on stdin exits 0 and prints nothing', () => {
    for (const [event, input] of [
      ['SessionStart', '{not json'],
      ['PostToolUse', '\u0000\u0001\u0002'],
      ['UserPromptSubmit', JSON.stringify({ prompt: 'x'.repeat(2_000_000) })],
      ['NoSuchEvent', '{}'],
      ['Stop', ''],
      ['PreCompact', '[]'],
    ]) {
      const r = run(dir, ['hook', event!], { input });
      expect(r.code, `${event}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe('');
    }
  });
});
