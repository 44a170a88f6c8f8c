/**
 * doctor trusts a cached event only when the commit's body is the same JSON
 * (sameJson, src/doctor/walk.ts): for any JSON values, in any key order,
 * it says what comparing their canonical serialisations says.
 */
import fc from 'fast-check';
import stringify from 'fast-json-stable-stringify';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../src/doctor/walk.js';

/** The same value with every object's keys in reverse order (a serialisation in another key order, parsed back). */
const reordered = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(reordered) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)])) : v;

describe('sameJson', () => {
  it('agrees with comparing canonical serialisations, whatever the key order', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, json, fc.boolean(), (a, b, same) => {
        const x = JSON.parse(JSON.stringify(a)) as unknown;
        const y = same ? reordered(JSON.parse(JSON.stringify(a))) : (JSON.parse(JSON.stringify(b)) as unknown);
        expect(sameJson(x, y)).toBe(stringify(x) === stringify(y));
      }),
      { numRuns: 2000 },
    );
  });

  it('a key holding undefined is absent; a __proto__ key is a key like any other', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson(JSON.parse('{"__proto__":{}}'), {})).toBe(false);
    expect(sameJson({}, JSON.parse('{"__proto__":{}}'))).toBe(false);
    expect(sameJson([1, [2]], [1, [2]])).toBe(true);
    expect(sameJson([1], { 0: 1 })).toBe(false);
  });
});
