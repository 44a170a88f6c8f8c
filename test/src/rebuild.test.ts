import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST, writePlan } from '../../src/rebuild.js';
import { ok, run, runAsync } from '../helpers/cli.js';
import { git, makeRepo, readTree, tempDir } from '../helpers/repo.js';

const mtime = (f: string) => statSync(f).mtimeMs;

describe('writing a rebuild plan', () => {
  it('writes new files, then leaves unchanged ones alone (same mtime)', () => {
    const dir = tempDir();
    const plan = new Map([
      ['agenda.md', '# Agenda\n'],
      ['sessions/active/a-aaaa.md', 'A\n'],
    ]);
    expect(writePlan(dir, plan)).toMatchObject({ written: ['agenda.md', 'sessions/active/a-aaaa.md'], removed: [], unchanged: 0 });
    const file = path.join(dir, 'sessions/active/a-aaaa.md');
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, old, old);
    expect(writePlan(dir, plan)).toMatchObject({ written: [], removed: [], unchanged: 2 });
    expect(mtime(file)).toBe(old.getTime());
    plan.set('sessions/active/a-aaaa.md', 'A changed\n');
    expect(writePlan(dir, plan).written).toEqual(['sessions/active/a-aaaa.md']);
    expect(readFileSync(file, 'utf8')).toBe('A changed\n');
  });

  it('moves a session file from active/ to archive/ and removes stale files and empty folders under sessions/', () => {
    const dir = tempDir();
    writePlan(dir, new Map([['sessions/active/a-aaaa.md', 'A'], ['sessions/journal/aaaa/progress.md', 'p'], ['stats.json', '{}']]));
    const r = writePlan(dir, new Map([['sessions/archive/a-aaaa.md', 'A'], ['stats.json', '{}']]));
    expect(r.written).toEqual(['sessions/archive/a-aaaa.md']);
    expect(r.removed).toEqual(['sessions/active/a-aaaa.md', 'sessions/journal/aaaa/progress.md']);
    expect(existsSync(path.join(dir, 'sessions/active'))).toBe(false);
    expect(existsSync(path.join(dir, 'sessions/journal'))).toBe(false);
    expect(existsSync(path.join(dir, 'sessions/archive/a-aaaa.md'))).toBe(true);
  });

  it('never deletes files it does not own, and leaves no temp files behind', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'notes'), { recursive: true });
    writeFileSync(path.join(dir, 'notes/mine.md'), 'keep');
    writeFileSync(path.join(dir, 'README.md'), 'keep');
    writePlan(dir, new Map([['items.md', 'x']]));
    writePlan(dir, new Map([['items.json', '{}']]));
    expect(readFileSync(path.join(dir, 'notes/mine.md'), 'utf8')).toBe('keep');
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('keep');
    expect(existsSync(path.join(dir, 'items.md'))).toBe(false); // a known top-level file the plan dropped
    expect(readFileSync(path.join(dir, 'items.json'), 'utf8')).toBe('{}');
    const all = (d: string) => readdirSync(d, { recursive: true }) as string[];
    expect(all(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('refuses paths that would leave the folder', () => {
    const dir = tempDir();
    expect(() => writePlan(dir, new Map([['../evil.md', 'x']]))).toThrow(/refusing to write outside/);
  });
});

describe('rebuild only touches files it wrote (the manifest)', () => {
  const snapshot = (dir: string) => readTree(dir);

  it('refuses to overwrite a file it did not write, and writes nothing at all', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'stats.json'), '{"mine":true}\n');
    const before = snapshot(dir);
    expect(() => writePlan(dir, new Map([['agenda.md', 'A'], ['stats.json', '{}']]))).toThrow(/refusing to overwrite 1 file\(s\) .* did not write .*: stats\.json; nothing was written/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('adopts a file that already holds exactly the planned bytes', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'stats.json'), '{}');
    expect(writePlan(dir, new Map([['stats.json', '{}']]))).toMatchObject({ written: [], unchanged: 1 });
    expect(JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')).files).toEqual({ 'stats.json': expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(writePlan(dir, new Map([['stats.json', '{"n":1}']])).written).toEqual(['stats.json']);
  });

  it('refuses to overwrite a file it wrote that was edited since, and keeps an edited file the plan dropped', () => {
    const dir = tempDir();
    writePlan(dir, new Map([['agenda.md', 'A'], ['sessions/active/a-aaaa.md', 'S']]));
    writeFileSync(path.join(dir, 'agenda.md'), 'my notes');
    expect(() => writePlan(dir, new Map([['agenda.md', 'B']]))).toThrow(/agenda\.md; nothing was written/);
    expect(readFileSync(path.join(dir, 'agenda.md'), 'utf8')).toBe('my notes');
    const r = writePlan(dir, new Map([['items.md', 'I']]));
    expect(r.removed).toEqual(['sessions/active/a-aaaa.md']);
    expect(readFileSync(path.join(dir, 'agenda.md'), 'utf8')).toBe('my notes'); // edited: no longer Logbook's
    expect(Object.keys(JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')).files)).toEqual(['items.md']);
    expect(existsSync(path.join(dir, 'sessions'))).toBe(false);
  });

  it('a rebuild killed after its manifest knows both the old and the new bytes', () => {
    const dir = tempDir();
    writePlan(dir, new Map([['a.md', 'old']]));
    // What a kill between the manifest and the file write leaves: both versions listed, the old bytes on disk.
    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8'));
    const oldHash = manifest.files['a.md'];
    manifest.files['a.md'] = [oldHash, '0'.repeat(64)];
    writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest));
    expect(writePlan(dir, new Map([['a.md', 'new']])).written).toEqual(['a.md']);
    expect(JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')).files['a.md']).not.toEqual(oldHash);
  });

  it('refuses a folder whose manifest file is not its own', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, MANIFEST), 'hello');
    expect(() => writePlan(dir, new Map([['a.md', 'x']]))).toThrow(/not a Logbook rebuild manifest/);
    expect(existsSync(path.join(dir, 'a.md'))).toBe(false);
  });

  it('`logbook rebuild --out .` in a real repository keeps sessions/store.go and refuses a committed stats.json', () => {
    const dir = makeRepo();
    mkdirSync(path.join(dir, 'sessions'));
    writeFileSync(path.join(dir, 'sessions/store.go'), 'package sessions\n');
    writeFileSync(path.join(dir, 'stats.json'), '{"downloads": 12}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'code');
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'Fix the store', '--name', 'store']);
    ok(dir, ['log', '--progress', 'read the code']);

    const status = git(dir, 'status', '--porcelain', '--untracked-files=all');
    const refused = run(dir, ['rebuild', '--out', '.']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('stats.json');
    expect(refused.stderr).toContain('nothing was written');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe(status);
    expect(readFileSync(path.join(dir, 'stats.json'), 'utf8')).toBe('{"downloads": 12}\n');

    git(dir, 'rm', '-q', 'stats.json');
    git(dir, 'commit', '-q', '-m', 'no stats');
    ok(dir, ['rebuild', '--out', '.']);
    ok(dir, ['close', '--complete', '--summary', 'done']);
    const second = JSON.parse(ok(dir, ['rebuild', '--out', '.', '--json'])) as { written: string[]; removed: string[] };
    expect(second.removed).toEqual([expect.stringMatching(/^sessions\/active\/store-.*\.md$/)]);
    expect(readFileSync(path.join(dir, 'sessions/store.go'), 'utf8')).toBe('package sessions\n');
    expect(git(dir, 'status', '--porcelain')).not.toMatch(/^ ?D /m); // no committed file was deleted
    expect(existsSync(path.join(dir, 'sessions/archive'))).toBe(true);
  });
});

describe('rebuilds at once into one folder', () => {
  it('take turns: every one succeeds and the folder ends as one rebuild into an empty folder writes', async () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'race the rebuilds']);
    const runs = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        await runAsync(dir, ['log', '--progress', `step ${i}`]);
        return runAsync(dir, ['rebuild']);
      }),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    ok(dir, ['rebuild']);
    ok(dir, ['rebuild', '--out', 'fresh']);
    expect(readTree(path.join(dir, '.logbook'))).toEqual(readTree(path.join(dir, 'fresh')));
  });

  it('a lock and temp files left by a killed rebuild are taken over and cleared', () => {
    const dir = tempDir();
    writePlan(dir, new Map([['a.md', 'A']]));
    // A pid that is not running: the first pid above every live one is not reliably free, so use one far out of range.
    writeFileSync(path.join(dir, '.logbook-rebuild.lock'), '2147483646\n');
    writeFileSync(path.join(dir, 'a.md.tmp-2147483646-abc123'), 'half');
    writeFileSync(path.join(dir, 'notes.md.tmp-2147483646-abc123'), 'not a name of ours: kept');
    // A rebuild killed between moving a stale lock aside and removing it.
    writeFileSync(path.join(dir, '.logbook-rebuild.lock.stale-2147483646-x1y2z3'), '2147483645\n');
    expect(writePlan(dir, new Map([['a.md', 'B']])).written).toEqual(['a.md']);
    expect(readdirSync(dir).sort()).toEqual(['.logbook-rebuild.json', 'a.md', 'notes.md.tmp-2147483646-abc123']);
  });
});
