/**
 * Writing many objects at once as one packfile (`.pack` + version 2 `.idx`),
 * so a batch append costs one file and one fsync instead of one per object:
 * hook spool flushes and imports append hundreds of events at a time. The
 * pack is written and fsynced under a temporary name, then the index; both
 * are renamed into place pack first, index last — git and isomorphic-git only
 * see a pack once its index exists, so a crash leaves at worst an ignored
 * temporary file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeDirectory, writeFileAtomic } from './atomic.js';
import { deflateSync } from 'node:zlib';
import { objectId } from './objects.js';

const TYPE_CODE = { commit: 1, tree: 2, blob: 3 } as const;

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The type-and-size header of a pack entry (variable length, 7 bits per byte after the first 4). */
function entryHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

export interface PackObject {
  type: keyof typeof TYPE_CODE;
  body: Buffer;
}


/** Write `objects` as one pack in `gitdir`; returns their ids in the same order. */
export function writePack(gitdir: string, objects: PackObject[]): string[] {
  const entries = objects.map(({ type, body }) => {
    const oid = objectId(type, body);
    const data = Buffer.concat([entryHeader(TYPE_CODE[type], body.length), deflateSync(body, { level: 1 })]);
    return { oid, data };
  });
  // One entry per object id (a batch may contain the same object twice, e.g. a tree).
  const unique = [...new Map(entries.map((e) => [e.oid, e])).values()];
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(unique.length, 8);
  const packHash = createHash('sha1').update(header);
  let offset = 12;
  const located = unique.map((e) => {
    packHash.update(e.data);
    const at = { oid: e.oid, offset, crc: crc32(e.data) };
    offset += e.data.length;
    return at;
  });
  const packSum = packHash.digest();

  const sorted = [...located].sort((a, b) => (a.oid < b.oid ? -1 : 1));
  const fanout = Buffer.alloc(256 * 4);
  for (let i = 0, j = 0; i < 256; i++) {
    while (j < sorted.length && parseInt(sorted[j]!.oid.slice(0, 2), 16) <= i) j++;
    fanout.writeUInt32BE(j, i * 4);
  }
  const names = Buffer.concat(sorted.map((e) => Buffer.from(e.oid, 'hex')));
  const crcs = Buffer.alloc(sorted.length * 4);
  const offsets = Buffer.alloc(sorted.length * 4);
  const large: Buffer[] = [];
  sorted.forEach((e, i) => {
    crcs.writeUInt32BE(e.crc, i * 4);
    if (e.offset < 0x80000000) offsets.writeUInt32BE(e.offset, i * 4);
    else {
      offsets.writeUInt32BE((0x80000000 | large.length) >>> 0, i * 4);
      const big = Buffer.alloc(8);
      big.writeBigUInt64BE(BigInt(e.offset));
      large.push(big);
    }
  });
  const idxBody = Buffer.concat([Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]), fanout, names, crcs, offsets, ...large, packSum]);
  const idx = Buffer.concat([idxBody, createHash('sha1').update(idxBody).digest()]);

  const dir = path.join(gitdir, 'objects', 'pack');
  makeDirectory(dir);
  const name = `pack-${packSum.toString('hex')}`;
  // The pack before its index: git only looks at packs that have an index.
  writeFileAtomic(path.join(dir, `${name}.pack`), Buffer.concat([header, ...unique.map((e) => e.data), packSum]), { mode: 0o444, tmpPrefix: 'tmp_pack_' });
  writeFileAtomic(path.join(dir, `${name}.idx`), idx, { mode: 0o444, tmpPrefix: 'tmp_idx_' });
  return entries.map((e) => e.oid);
}

/** Does any pack index (version 2) of `gitdir` list `oid`? */
export function packContains(gitdir: string, oid: string): boolean {
  const dir = path.join(gitdir, 'objects', 'pack');
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.idx'));
  } catch {
    return false;
  }
  const want = Buffer.from(oid, 'hex');
  for (const name of names) {
    let idx: Buffer;
    try {
      idx = readFileSync(path.join(dir, name));
    } catch {
      continue;
    }
    if (idx.length < 8 + 256 * 4 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) continue;
    const fan = 8;
    const first = want[0]!;
    let lo = first === 0 ? 0 : idx.readUInt32BE(fan + (first - 1) * 4);
    let hi = idx.readUInt32BE(fan + first * 4);
    const names0 = fan + 256 * 4;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(idx.subarray(names0 + mid * 20, names0 + mid * 20 + 20), want);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
  }
  return false;
}
