/**
 * One immutable piece of the search index: a few documents (events with
 * text), their words in a sorted vocabulary, and per word its documents and
 * frequencies as plain typed arrays (no varints: a query in a fresh process
 * runs before the JIT has warmed up, where every decoding step costs). Encoded as one binary file whose typed arrays
 * load without parsing; a CRC over the file tells a damaged one.
 *
 *   "LBSX" | crc32 | header length | header JSON | sections, each 8-aligned
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { terms } from './text.js';

export interface Doc {
  id: string;
  /** Index into eventTypes. */
  type: number;
  /** Index into the manifest's session table + 1; 0: no session. */
  session: number;
  /** Index into the manifest's actor table. */
  actor: number;
  /** Epoch ms. */
  at: number;
  text: string;
}

export interface Segment {
  n: number;
  /** The documents' ids, 26 ASCII bytes each (decoded only for the hits shown). */
  ids: Buffer;
  types: Uint8Array;
  sessions: Uint32Array;
  actors: Uint32Array;
  at: Float64Array;
  lengths: Uint32Array;
  /** The documents' text, UTF-8; textOff in bytes (decoded only where a hit or a phrase needs it). */
  text: Buffer;
  textOff: Uint32Array;
  vocab: string;
  vocabOff: Uint32Array;
  /** Documents of each word, ascending, word `t` at postOff[t]..postOff[t+1]. */
  postDocs: Uint32Array;
  /** Their frequencies (at most 255). */
  postTf: Uint8Array;
  postOff: Uint32Array;
  /** Sum of lengths. */
  totalLength: number;
}

const ID_LENGTH = 26;
const MAGIC = 'LBSX';

export function buildSegment(docs: readonly Doc[]): Segment {
  const n = docs.length;
  const lengths = new Uint32Array(n);
  const byTerm = new Map<string, number[]>();
  let totalLength = 0;
  docs.forEach((d, i) => {
    const words = terms(d.text);
    lengths[i] = words.length;
    totalLength += words.length;
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const [w, f] of tf) {
      let list = byTerm.get(w);
      if (!list) byTerm.set(w, (list = []));
      list.push(i, f);
    }
  });
  const vocabList = [...byTerm.keys()].sort();
  const vocabOff = new Uint32Array(vocabList.length + 1);
  const postOff = new Uint32Array(vocabList.length + 1);
  let total = 0;
  for (const list of byTerm.values()) total += list.length / 2;
  const postDocs = new Uint32Array(total);
  const postTf = new Uint8Array(total);
  let chars = 0;
  let k = 0;
  vocabList.forEach((w, t) => {
    vocabOff[t] = chars;
    chars += w.length;
    postOff[t] = k;
    const list = byTerm.get(w)!;
    for (let j = 0; j < list.length; j += 2, k++) {
      postDocs[k] = list[j]!;
      postTf[k] = Math.min(255, list[j + 1]!);
    }
  });
  vocabOff[vocabList.length] = chars;
  postOff[vocabList.length] = k;
  const textOff = new Uint32Array(n + 1);
  const texts = docs.map((d) => Buffer.from(d.text, 'utf8'));
  let at = 0;
  texts.forEach((b, i) => {
    textOff[i] = at;
    at += b.length;
  });
  textOff[n] = at;
  return {
    n,
    ids: Buffer.from(docs.map((d) => d.id).join(''), 'latin1'),
    types: Uint8Array.from(docs, (d) => d.type),
    sessions: Uint32Array.from(docs, (d) => d.session),
    actors: Uint32Array.from(docs, (d) => d.actor),
    at: Float64Array.from(docs, (d) => d.at),
    lengths,
    text: Buffer.concat(texts),
    textOff,
    vocab: vocabList.join(''),
    vocabOff,
    postDocs,
    postTf,
    postOff,
    totalLength,
  };
}

export function docAt(s: Segment, i: number): Doc {
  return { id: docId(s, i), type: s.types[i]!, session: s.sessions[i]!, actor: s.actors[i]!, at: s.at[i]!, text: docText(s, i) };
}

export const docId = (s: Segment, i: number): string => s.ids.toString('latin1', i * ID_LENGTH, (i + 1) * ID_LENGTH);
export const docText = (s: Segment, i: number): string => s.text.toString('utf8', s.textOff[i]!, s.textOff[i + 1]!);
export const termAt = (s: Segment, t: number): string => s.vocab.slice(s.vocabOff[t]!, s.vocabOff[t + 1]!);
export const vocabSize = (s: Segment): number => s.vocabOff.length - 1;

/** The first vocabulary index whose term is ≥ `q`. */
export function lowerBound(s: Segment, q: string): number {
  let lo = 0;
  let hi = vocabSize(s);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (termAt(s, mid) < q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Document frequency of vocabulary entry `t`. */
export const dfAt = (s: Segment, t: number): number => s.postOff[t + 1]! - s.postOff[t]!;

const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data) => (zlib as unknown as { crc32: (d: Uint8Array) => number }).crc32(data)
    : (data) => createHash('sha1').update(data).digest().readUInt32LE(0);

const SECTIONS = ['types', 'sessions', 'actors', 'at', 'lengths', 'textOff', 'vocabOff', 'postDocs', 'postTf', 'postOff'] as const;
const ARRAYS = { types: Uint8Array, sessions: Uint32Array, actors: Uint32Array, at: Float64Array, lengths: Uint32Array, textOff: Uint32Array, vocabOff: Uint32Array, postDocs: Uint32Array, postTf: Uint8Array, postOff: Uint32Array };

const pad8 = (n: number) => (8 - (n % 8)) % 8;

export function encodeSegment(s: Segment): Buffer {
  const ids = s.ids;
  const text = s.text;
  const vocab = Buffer.from(s.vocab, 'utf8');
  const parts: Buffer[] = [ids, text, vocab, ...SECTIONS.map((k) => Buffer.from(s[k].buffer, s[k].byteOffset, s[k].byteLength))];
  const header = Buffer.from(JSON.stringify({ n: s.n, totalLength: s.totalLength, sizes: parts.map((p) => p.length) }));
  const chunks: Buffer[] = [Buffer.from(MAGIC, 'latin1'), Buffer.alloc(4), Buffer.alloc(4), header, Buffer.alloc(pad8(12 + header.length))];
  chunks[2]!.writeUInt32LE(header.length);
  for (const p of parts) chunks.push(p, Buffer.alloc(pad8(p.length)));
  const out = Buffer.concat(chunks);
  out.writeUInt32LE(crc32(out.subarray(8)) >>> 0, 4);
  return out;
}

/** The segment in `buf`, or undefined when the bytes are not a whole, intact segment. */
export function decodeSegment(buf: Buffer): Segment | undefined {
  try {
    if (buf.length < 12 || buf.toString('latin1', 0, 4) !== MAGIC) return undefined;
    if (buf.readUInt32LE(4) !== crc32(buf.subarray(8)) >>> 0) return undefined;
    const headerLength = buf.readUInt32LE(8);
    const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLength)) as { n: number; totalLength: number; sizes: number[] };
    let off = 12 + headerLength;
    off += pad8(off);
    const section = (k: number): [number, number] => {
      const start = off;
      off += header.sizes[k]!;
      off += pad8(header.sizes[k]!);
      return [start, start + header.sizes[k]!];
    };
    const [i0, i1] = section(0);
    const [t0, t1] = section(1);
    const [v0, v1] = section(2);
    const arrays: Record<string, unknown> = {};
    SECTIONS.forEach((k, j) => {
      const [a, b] = section(3 + j);
      const Ctor = ARRAYS[k];
      const at = buf.byteOffset + a;
      // A view into the file's bytes where they are aligned (sections are 8-aligned in the file), else a copy.
      arrays[k] = at % Ctor.BYTES_PER_ELEMENT === 0 ? new Ctor(buf.buffer as ArrayBuffer, at, (b - a) / Ctor.BYTES_PER_ELEMENT) : new Ctor((buf.buffer as ArrayBuffer).slice(at, buf.byteOffset + b));
    });
    if (off > buf.length) return undefined;
    const s = { n: header.n, totalLength: header.totalLength, ids: buf.subarray(i0, i1), text: buf.subarray(t0, t1), vocab: buf.toString('utf8', v0, v1), ...arrays } as Segment;
    if (s.ids.length !== s.n * ID_LENGTH || s.textOff.length !== s.n + 1 || s.vocabOff.length !== s.postOff.length) return undefined;
    return s;
  } catch {
    // a damaged segment: the caller rebuilds the index, which is disposable
    return undefined;
  }
}
