import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freeShortname, shortnameFromName, slugify } from '../../../src/names/shortname.js';
import { isLogbookError } from '../../../src/errors.js';

const valid = /^[a-z0-9][a-z0-9-]{0,39}$/;

describe('short names', () => {
  it('turns any text into a valid short name', () => {
    expect(slugify('Fix Sweep! ünï')).toBe('fix-sweep-uni');
    expect(slugify('  Ça  va? Œuvre ')).toBe('ca-va-uvre');
    expect(slugify('x'.repeat(60))).toHaveLength(40);
    expect(slugify('日本語')).toBe('');
  });

  it('property: a non-empty slug always passes the session.started schema', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (t) => {
        const s = slugify(t);
        expect(s === '' || valid.test(s)).toBe(true);
        expect(slugify(s)).toBe(s); // idempotent
      }),
    );
  });

  it('refuses empty text and text with nothing usable, in the words of the command line', () => {
    const refusal = (t: string) => {
      try {
        shortnameFromName(t);
      } catch (e) {
        if (isLogbookError(e, 'INVALID_INPUT')) return `${e.message} | ${e.hint}`;
      }
      return 'accepted';
    };
    expect(refusal('')).toMatchInlineSnapshot(`"--name needs a non-empty value | leave --name out to derive the short name from the goal, or pass one such as --name fix-login"`);
    expect(refusal('!!! 日本')).toMatchInlineSnapshot(`"--name "!!! 日本" has no letter or digit to make a short name from | a short name is lowercase letters (a-z), digits and dashes, for example fix-login"`);
  });

  it('a taken name gets the first free numeric suffix, within 40 characters', () => {
    expect(freeShortname('dup', new Set())).toBe('dup');
    expect(freeShortname('dup', new Set(['dup', 'dup-2']))).toBe('dup-3');
    const long = 'a'.repeat(40);
    expect(freeShortname(long, new Set([long]))).toBe(`${'a'.repeat(38)}-2`);
  });
});
