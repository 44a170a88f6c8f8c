/**
 * Identifiers: event ids (ULID), session ids (`YYYYMMDD_HHMM_xxxx`, stable id
 * `s_xxxx`) and replica ids. Randomness and time are injected so tests control them.
 */
import { monotonicFactory } from 'ulid';
import { slugify } from './names/shortname.js';

export type Random = () => number;

const base36 = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomChars(n: number, random: Random): string {
  let s = '';
  for (let i = 0; i < n; i++) s += base36[Math.floor(random() * 36) % 36];
  return s;
}

/** A ULID generator that stays monotonic within one process, even inside one millisecond. */
export function eventIdFactory(random?: Random): (now: number) => string {
  const factory = random ? monotonicFactory(random) : monotonicFactory();
  return (now) => factory(now);
}

/** `YYYYMMDD_HHMM_xxxx` in UTC; the suffix avoids every suffix in `taken`. */
export function newSessionId(now: Date, random: Random, taken: ReadonlySet<string> = new Set()): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const suffix = randomChars(4, random);
    if (!taken.has(suffix)) return `${stamp}_${suffix}`;
  }
  throw new Error('could not find a free session suffix after 1000 attempts');
}

/** A replica id: 12 random base-36 characters, made once per clone at `logbook init`. */
export function newReplicaId(random: Random): string {
  return randomChars(12, random);
}

/** A filesystem- and ref-safe short name derived from a title. */
export function shortnameFrom(title: string): string {
  return slugify(title) || 'session';
}
