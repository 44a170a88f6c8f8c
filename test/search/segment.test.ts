/**
 * The segment file format: whatever documents go in (several stored blocks,
 * long gaps and repeated words in the postings, dates a 32-bit offset cannot
 * hold, text in any script), encoding and decoding gives back the same
 * documents, postings and statistics; and damage is told, never read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSegment, decodeSegment, docAt, docId, docText, docsOf, encodeSegment, postingsOf, termAt, vocabSize, type Doc, type Segment } from '../../src/search/segment.js';
import { terms } from '../../src/search/text.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = fc.array(fc.constantFrom(...CROCKFORD), { minLength: 26, maxLength: 26 }).map((cs) => cs.join(''));
const word = fc.oneof(fc.constantFrom('lock', 'order', 'sweeper', 'cache', 'régression', '東京', 'a1'), fc.stringMatching(/^[a-z]{1,12}$/));
const text = fc.array(word, { minLength: 1, maxLength: 40 }).map((ws) => ws.join(' '));
const doc = (wide: boolean): fc.Arbitrary<Doc> =>
  fc.record({
    id: ulid,
    type: fc.nat(30),
    session: fc.nat(70_000),
    actor: fc.nat(300),
    at: wide ? fc.integer({ min: 0, max: 8e12 }) : fc.integer({ min: 1.7e12, max: 1.7e12 + 3e9 }),
    text,
  });

/** What a segment says, read through its accessors. */
function contents(s: Segment) {
  const postings: Array<[string, Array<[number, number]>]> = [];
  for (let t = 0; t < vocabSize(s); t++) {
    const p = postingsOf(s, t);
    postings.push([termAt(s, t), Array.from(p.docs, (d, k) => [d, p.tfs[k]!])]);
  }
  return { n: s.n, totalLength: s.totalLength, lengths: Array.from(s.lengths), docs: Array.from({ length: s.n }, (_, i) => docAt(s, i)), postings };
}

/** The postings the documents should give: per word, each document holding it and how often (at most 255). */
function expectedPostings(docs: readonly Doc[]) {
  const out = new Map<string, Array<[number, number]>>();
  docs.forEach((d, i) => {
    const tf = new Map<string, number>();
    for (const w of terms(d.text)) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const [w, f] of tf) {
      if (!out.has(w)) out.set(w, []);
      out.get(w)!.push([i, Math.min(255, f)]);
    }
  });
  return [...out].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('search segments', () => {
  it('give back what went in, through a file and without one, one block at a time or all at once', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 1, max: 400 }), fc.integer(), (wide, n, seed) => {
        const docs = fc.sample(doc(wide), { numRuns: n, seed });
        const built = buildSegment(docs);
        const c = contents(built);
        expect(c.docs).toEqual(docs);
        expect(c.postings).toEqual(expectedPostings(docs));
        expect(c.totalLength).toBe(docs.reduce((sum, d) => sum + terms(d.text).length, 0));
        const decoded = decodeSegment(encodeSegment(built))!;
        expect(decoded).toBeDefined();
        expect(contents(decoded)).toEqual(c);
        // Block by block from the end, then every block in one call: the same documents.
        const again = decodeSegment(encodeSegment(built))!;
        for (let i = n - 1; i >= 0; i -= 97) expect([docId(again, i), docText(again, i)]).toEqual([docs[i]!.id, docs[i]!.text]);
        expect(docsOf(again)).toEqual(docs);
      }),
      { numRuns: 25 },
    );
  });

  it('keeps frequencies up to 255 and long gaps between documents', () => {
    const filler = (i: number): Doc => ({ id: `01KDZBXG48${String(i).padStart(16, '0')}`, type: 1, session: 0, actor: 0, at: 1.7e12 + i, text: 'filler' });
    const docs = Array.from({ length: 20_000 }, (_, i) => filler(i));
    docs[3] = { ...docs[3]!, text: 'lock '.repeat(300) };
    docs[19_999] = { ...docs[19_999]!, text: 'lock lock' };
    const s = decodeSegment(encodeSegment(buildSegment(docs)))!;
    const t = Array.from({ length: vocabSize(s) }, (_, k) => termAt(s, k)).indexOf('lock');
    const p = postingsOf(s, t);
    expect([Array.from(p.docs), Array.from(p.tfs)]).toEqual([[3, 19_999], [255, 2]]);
  });

  it('tells a damaged file', () => {
    const docs = fc.sample(doc(false), { numRuns: 300, seed: 7 });
    const bytes = encodeSegment(buildSegment(docs));
    for (const at of [0, 5, 9, 40, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[at] = flipped[at]! ^ 0x5a;
      expect(decodeSegment(flipped)).toBeUndefined();
    }
    expect(decodeSegment(bytes.subarray(0, bytes.length - 9))).toBeUndefined();
  });
});
