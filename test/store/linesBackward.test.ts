/**
 * The git store's cache file read from the end (what SessionStart's catch-up
 * reads): every line of the vouched-for prefix, last first, whatever the chunk
 * size cuts through (multi-byte characters, lines longer than a chunk); a file
 * shorter than the prefix is damage.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheLinesBackward } from '../../src/store/git.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'logbook-backward-'));

describe('cache lines read backwards', () => {
  it('gives the prefix lines last first for any chunk size', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', minLength: 1 }).map((s) => s.replace(/\n/g, ' ')), { maxLength: 30 }), fc.integer({ min: 1, max: 40 }), fc.string({ maxLength: 20 }), (lines, chunk, after) => {
        const file = path.join(dir, 'r.ndjson');
        const text = lines.map((l) => `${l}\n`).join('');
        writeFileSync(file, text + after.replace(/\n/g, ' ')); // bytes past the prefix are not read
        expect([...cacheLinesBackward(file, Buffer.byteLength(text), 'r', chunk)]).toEqual([...lines].reverse());
      }),
      { numRuns: 300 },
    );
  });

  it('a file shorter than the prefix meta.json vouches for is damage', () => {
    const file = path.join(dir, 's.ndjson');
    writeFileSync(file, 'a\nb\n');
    expect(() => [...cacheLinesBackward(file, 10, 's')]).toThrow(/damaged/);
    expect(() => [...cacheLinesBackward(path.join(dir, 'missing.ndjson'), 4, 'm')]).toThrow(/damaged/);
  });
});
