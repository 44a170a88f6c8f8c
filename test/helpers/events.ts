/** Build valid events by hand for unit and property tests. */
import type { Draft, JournalEvent } from '../../src/events.js';

const base32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A deterministic ULID-shaped id from a number. */
export function ulidOf(n: number): string {
  let s = '';
  let x = n;
  for (let i = 0; i < 26; i++) {
    s = base32[x % 32] + s;
    x = Math.floor(x / 32);
  }
  return s;
}

let counter = 0;

/** A full event from a draft; `clock` and `at` default to increasing values. */
export function ev(draft: Draft, overrides: Partial<Pick<JournalEvent, 'id' | 'clock' | 'at' | 'replica' | 'actor'>> = {}): JournalEvent {
  counter++;
  return {
    id: overrides.id ?? ulidOf(counter),
    v: 1,
    at: overrides.at ?? new Date(Date.UTC(2026, 0, 2, 10, 0, counter)).toISOString(),
    actor: overrides.actor ?? { name: 'Ada', email: 'ada@example.com' },
    clock: overrides.clock ?? counter,
    replica: overrides.replica ?? 'replicaaaaaa',
    ...draft,
    ...(draft.session ? { session: draft.session } : {}),
  } as JournalEvent;
}
