/**
 * One immutable piece of the search index: a few documents (events with
 * text), their words in a sorted vocabulary, and per word its documents and
 * frequencies. Encoded as one binary file whose tables load without parsing
 * (typed arrays straight out of the file, each as narrow as its values allow);
 * a CRC over the file tells a damaged one.
 *
 *   "LBSX" | crc32 | header length | header JSON | sections, each 8-aligned
 *
 * Postings are delta + varint: per document, varint(gap × 2 + (tf = 1)), then
 * the frequency in one byte when it is not 1 (frequencies stop at 255). A query
 * decodes only its words' postings. Ids and text (for snippets and phrases)
 * are deflated in blocks of BLOCK documents, inflated only for the hits shown.
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

type Narrow = Uint8Array | Uint16Array | Uint32Array;

export interface Segment {
  n: number;
  types: Uint8Array;
  sessions: Narrow;
  actors: Narrow;
  /** Epoch ms of each document: atBase + at[i] (whole ms after the earliest when they fit in 32 bits — weeks of a journal —, else atBase 0). */
  at: Uint32Array | Float64Array;
  atBase: number;
  lengths: Narrow;
  vocab: string;
  vocabOff: Uint32Array;
  /** Documents of each word. */
  df: Uint32Array;
  /** The postings, word `t` at bytes postOff[t]..postOff[t+1]. */
  postings: Uint8Array;
  postOff: Uint32Array;
  /** Deflated blocks of ids and text, block `b` at bytes storedOff[b]..storedOff[b+1]. */
  stored: Uint8Array;
  storedOff: Uint32Array;
  /** Sum of lengths. */
  totalLength: number;
  /** Blocks inflated so far (in memory only). */
  blocks: Map<number, Block>;
}

/** One inflated block: ids (26 ASCII bytes each), then each text's UTF-8 bytes, textOff relative to `text`. */
interface Block {
  ids: Buffer;
  text: Buffer;
  textOff: number[];
}

const ID_LENGTH = 26;
const MAGIC = 'LBSX';
/** Documents per stored block: 128 compresses ids and text about 3×, and inflating one costs tens of microseconds. */
const BLOCK = 128;

const narrow = (values: ArrayLike<number>, max: number): Narrow => (max < 256 ? Uint8Array.from(values) : max < 65536 ? Uint16Array.from(values) : Uint32Array.from(values));
const maxOf = (values: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return m;
};

/** Appends varints to a growing byte buffer. */
class Bytes {
  buf = new Uint8Array(1024);
  length = 0;
  private room(k: number): void {
    if (this.length + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + k));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  varint(v: number): void {
    this.room(6);
    while (v >= 128) {
      this.buf[this.length++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
  }
  byte(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }
  done = (): Uint8Array => this.buf.slice(0, this.length);
}

/**
 * The blocks as one deflate stream, flushed in full at each block's end: a
 * block inflates on its own from its offset, and the whole stream in one call
 * (a phrase over many documents, a merge, doctor).
 */
function storeBlocks(docs: readonly Doc[]): { stored: Uint8Array; storedOff: Uint32Array } {
  const nBlocks = Math.ceil(docs.length / BLOCK);
  const storedOff = new Uint32Array(nBlocks + 1);
  const parts: Buffer[] = [];
  let at = 0;
  for (let b = 0; b < nBlocks; b++) {
    const slice = docs.slice(b * BLOCK, (b + 1) * BLOCK);
    const texts = slice.map((d) => Buffer.from(d.text, 'utf8'));
    const lengths = new Bytes();
    for (const t of texts) lengths.varint(t.length);
    const raw = Buffer.concat([Buffer.from(slice.map((d) => d.id).join(''), 'latin1'), lengths.done(), ...texts]);
    const packed = zlib.deflateRawSync(raw, { finishFlush: zlib.constants.Z_FULL_FLUSH });
    storedOff[b] = at;
    at += packed.length;
    parts.push(packed);
  }
  storedOff[nBlocks] = at;
  return { stored: Buffer.concat(parts), storedOff };
}

/** Inflated bytes of blocks `b` to `end` (excluded), in one call. */
const inflateBlocks = (s: Segment, b: number, end: number): Buffer => zlib.inflateRawSync(s.stored.subarray(s.storedOff[b]!, s.storedOff[end]!), { finishFlush: zlib.constants.Z_SYNC_FLUSH });

/** Cut block `b` out of inflated bytes starting at `p`; returns where the next block starts. */
function cutBlock(s: Segment, b: number, raw: Buffer, p: number): number {
  const k = Math.min(BLOCK, s.n - b * BLOCK);
  const ids = raw.subarray(p, p + k * ID_LENGTH);
  p += k * ID_LENGTH;
  const textOff = [0];
  let sum = 0;
  for (let i = 0; i < k; i++) {
    let v = 0;
    let mul = 1;
    let byte: number;
    do {
      byte = raw[p++]!;
      v += (byte & 127) * mul;
      mul *= 128;
    } while (byte & 128);
    textOff.push((sum += v));
  }
  if (p + sum > raw.length) throw new RangeError('a stored block is shorter than its lengths say');
  s.blocks.set(b, { ids, text: raw.subarray(p, p + sum), textOff });
  return p + sum;
}

function block(s: Segment, b: number): Block {
  if (!s.blocks.has(b)) cutBlock(s, b, inflateBlocks(s, b, b + 1), 0);
  return s.blocks.get(b)!;
}

/** Inflate every block not yet inflated, in one call. */
export function inflateAll(s: Segment): void {
  const nBlocks = s.storedOff.length - 1;
  if (s.blocks.size === nBlocks) return;
  const raw = inflateBlocks(s, 0, nBlocks);
  let p = 0;
  for (let b = 0; b < nBlocks; b++) p = cutBlock(s, b, raw, p);
}

/** Every document of the segment, in order. */
export function docsOf(s: Segment): Doc[] {
  inflateAll(s);
  return Array.from({ length: s.n }, (_, i) => docAt(s, i));
}

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
  const df = new Uint32Array(vocabList.length);
  const out = new Bytes();
  let chars = 0;
  vocabList.forEach((w, t) => {
    vocabOff[t] = chars;
    chars += w.length;
    postOff[t] = out.length;
    const list = byTerm.get(w)!;
    df[t] = list.length / 2;
    let prev = -1;
    for (let j = 0; j < list.length; j += 2) {
      const doc = list[j]!;
      const tf = Math.min(255, list[j + 1]!);
      out.varint((doc - prev) * 2 + (tf === 1 ? 1 : 0));
      if (tf !== 1) out.byte(tf);
      prev = doc;
    }
  });
  vocabOff[vocabList.length] = chars;
  postOff[vocabList.length] = out.length;
  const types = Uint8Array.from(docs, (d) => d.type);
  const sessions = docs.map((d) => d.session);
  const actors = docs.map((d) => d.actor);
  return {
    n,
    types,
    sessions: narrow(sessions, maxOf(sessions)),
    actors: narrow(actors, maxOf(actors)),
    ...packAt(docs.map((d) => d.at)),
    lengths: narrow(lengths, maxOf(lengths)),
    vocab: vocabList.join(''),
    vocabOff,
    df,
    postings: out.done(),
    postOff,
    ...storeBlocks(docs),
    totalLength,
    blocks: new Map(),
  };
}

/** The documents and frequencies of vocabulary entry `t`, ascending. */
export function postingsOf(s: Segment, t: number): { docs: Uint32Array; tfs: Uint8Array } {
  const count = s.df[t]!;
  const docs = new Uint32Array(count);
  const tfs = new Uint8Array(count);
  const bytes = s.postings;
  let p = s.postOff[t]!;
  let doc = -1;
  for (let k = 0; k < count; k++) {
    let byte = bytes[p++]!;
    let v = byte;
    if (byte >= 128) {
      v = byte & 127;
      let mul = 128;
      do {
        byte = bytes[p++]!;
        v += (byte & 127) * mul;
        mul *= 128;
      } while (byte >= 128);
    }
    const one = v % 2;
    doc += (v - one) / 2;
    docs[k] = doc;
    tfs[k] = one ? 1 : bytes[p++]!;
  }
  return { docs, tfs };
}

export function docAt(s: Segment, i: number): Doc {
  return { id: docId(s, i), type: s.types[i]!, session: s.sessions[i]!, actor: s.actors[i]!, at: atOf(s, i), text: docText(s, i) };
}

export const docId = (s: Segment, i: number): string => {
  const b = block(s, Math.floor(i / BLOCK));
  const j = i % BLOCK;
  return b.ids.toString('latin1', j * ID_LENGTH, (j + 1) * ID_LENGTH);
};
export const docText = (s: Segment, i: number): string => {
  const b = block(s, Math.floor(i / BLOCK));
  const j = i % BLOCK;
  return b.text.toString('utf8', b.textOff[j]!, b.textOff[j + 1]!);
};
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
export const dfAt = (s: Segment, t: number): number => s.df[t]!;

const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data) => (zlib as unknown as { crc32: (d: Uint8Array) => number }).crc32(data)
    : (data) => createHash('sha1').update(data).digest().readUInt32LE(0);

const SECTIONS = ['types', 'sessions', 'actors', 'at', 'lengths', 'vocabOff', 'df', 'postOff', 'storedOff', 'postings', 'stored'] as const;
type Kind = 'u8' | 'u16' | 'u32' | 'f64';
const CTORS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, f64: Float64Array };
const kindOf = (a: Narrow | Float64Array): Kind => (a instanceof Float64Array ? 'f64' : a instanceof Uint32Array ? 'u32' : a instanceof Uint16Array ? 'u16' : 'u8');

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** Dates as whole milliseconds after the earliest when they fit in 32 bits, else as they are. */
function packAt(at: readonly number[]): { atBase: number; at: Uint32Array | Float64Array } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of at) {
    if (!Number.isInteger(v)) return { atBase: 0, at: Float64Array.from(at) };
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!at.length || hi - lo >= 2 ** 32) return { atBase: 0, at: Float64Array.from(at) };
  return { atBase: lo, at: Uint32Array.from(at, (v) => v - lo) };
}

/** Epoch ms of document `i`. */
export const atOf = (s: Segment, i: number): number => s.atBase + s.at[i]!;

export function encodeSegment(s: Segment): Buffer {
  const vocab = Buffer.from(s.vocab, 'utf8');
  const arrays = SECTIONS.map((k) => s[k]);
  const parts: Buffer[] = [vocab, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
  const header = Buffer.from(JSON.stringify({ n: s.n, totalLength: s.totalLength, atBase: s.atBase, kinds: arrays.map(kindOf), sizes: parts.map((p) => p.length) }));
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
    const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLength)) as { n: number; totalLength: number; atBase: number; kinds: Kind[]; sizes: number[] };
    let off = 12 + headerLength;
    off += pad8(off);
    const section = (k: number): [number, number] => {
      const start = off;
      off += header.sizes[k]!;
      off += pad8(header.sizes[k]!);
      return [start, start + header.sizes[k]!];
    };
    const [v0, v1] = section(0);
    const arrays: Record<string, unknown> = {};
    SECTIONS.forEach((k, j) => {
      const [a, b] = section(1 + j);
      const Ctor = CTORS[header.kinds[j]!];
      const at = buf.byteOffset + a;
      // A view into the file's bytes where they are aligned (sections are 8-aligned in the file), else a copy.
      arrays[k] = at % Ctor.BYTES_PER_ELEMENT === 0 ? new Ctor(buf.buffer as ArrayBuffer, at, (b - a) / Ctor.BYTES_PER_ELEMENT) : new Ctor((buf.buffer as ArrayBuffer).slice(at, buf.byteOffset + b));
    });
    if (off > buf.length) return undefined;
    const s = { n: header.n, totalLength: header.totalLength, atBase: header.atBase, vocab: buf.toString('utf8', v0, v1), ...arrays, blocks: new Map() } as Segment;
    if (typeof s.atBase !== 'number' || s.types.length !== s.n || s.at.length !== s.n || s.storedOff.length !== Math.ceil(s.n / BLOCK) + 1 || s.vocabOff.length !== s.postOff.length || s.df.length + 1 !== s.postOff.length) return undefined;
    return s;
  } catch {
    // a damaged segment: the caller rebuilds the index, which is disposable
    return undefined;
  }
}
