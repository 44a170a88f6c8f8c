import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePlan } from '../../src/rebuild.js';
import { tempDir } from '../helpers/repo.js';

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
