/**
 * The frontmatter written without the yaml package (projections/yamlPlain.ts)
 * is byte for byte what the package writes, wherever it answers at all: maps
 * shaped like a session file's frontmatter, with strings from words, ids,
 * times, numbers, YAML's reserved words, indicators and odd spacing.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { plainYaml } from '../../projections/yamlPlain.js';

const piece = fc.constantFrom(
  'Fix', 'parser', 'HTTP', 'API', 'T-833', '42', '0x1F', '1e3', '0o17', '.inf', '.nan', 'NaN', 'Infinity', 'true', 'True', 'TRUE', 'false', 'null', 'Null', 'NULL', '~', 'yes', 'no', 'on', 'off', 'y',
  's_0hhn', '20260108_1354_0hhn', '2026-01-08T13:54:36.000Z', '2026-01-08', '12:30', 'a:b', ': ', ' #', '#', '-', '- ', '?', '!', '&', '*', '|', '>', "'", '"', '%', '@', '`', ',', '[', ']', '{', '}', '(x)', 'a/b', 'a+b', 'é', '\t', '\n', ' ', '  ', '.', '_', '+1', '-1', '0', '007',
);
const word = fc.constantFrom('Fix', 'parser', 'HTTP', 'api', 'T-833', 'e1', 'x', 'a/b', 'a+b', '(x)', 'end.', 'one,', 's_0hhn', 'yes', 'no', 'Infinity', 'NaN');
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(word, { minLength: 1, maxLength: 4 }).map((p) => p.join(' ')) },
  fc.array(piece, { minLength: 0, maxLength: 5 }).map((p) => p.join('')),
  fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(' ')),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(
  { weight: 3, arbitrary: text },
  fc.constant(null),
  fc.integer({ min: -5, max: 1000 }),
  fc.double(),
  fc.constant(-0),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(text, text, { maxKeys: 3 }),
  fc.boolean(),
);
const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('id', 'stable_id', 'title', 'task_ids', 'meta', 'git_branch', 'compaction_count') }, text);

describe('frontmatter without the yaml package', () => {
  it('is what the package writes, wherever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (map) => {
        const mine = plainYaml(map);
        if (mine === undefined) return;
        answered++;
        expect(mine).toBe(stringify(map, { lineWidth: 0 }));
      }),
      { numRuns: 4000 },
    );
    expect(answered).toBeGreaterThan(400); // it answers often enough to be tested
  });

  it('answers for a typical session frontmatter, and gives it up at the first value that needs quoting', () => {
    const fm = { id: '20260108_1354_0hhn', stable_id: 's_0hhn', shortname: 'add-agenda-view-0hhn', title: 'Add agenda view', status: 'completed', task_ids: ['T-833'], created_at: '2026-01-08T13:54:36.000Z', updated_at: '2026-01-08T14:22:48.000Z', compaction_count: 0, git_branch: null, git_last_commit: null, meta: { source: 'import' } };
    expect(plainYaml(fm)).toBe(stringify(fm, { lineWidth: 0 }));
    expect(plainYaml({ ...fm, title: 'Fix: parser' })).toBeUndefined();
    expect(plainYaml({ ...fm, task_ids: ['42'] })).toBeUndefined();
  });
});
