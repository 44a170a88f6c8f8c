/**
 * Hand-built journals for projection tests: every event one minute after the
 * previous one, ids and clocks counted per story, so a test's events (and
 * its inline snapshots) do not depend on what other tests built before it.
 */
import type { Actor, EventData, EventOf, EventType, JournalEvent } from '../../src/events.js';
import { ulidOf } from './events.js';

export const ADA: Actor = { name: 'Ada', email: 'ada@example.com' };

export class Story {
  readonly events: JournalEvent[] = [];
  private n = 0;
  private t: number;

  constructor(
    start = '2026-01-02T10:00:00.000Z',
    private readonly replica = 'replicaaaaaa',
    private readonly actor: Actor = ADA,
  ) {
    this.t = Date.parse(start);
  }

  /** Append one event; `minutes` after the previous one (default 1). */
  add<T extends EventType>(type: T, session: string | undefined, data: EventData<T>, options: { minutes?: number } = {}): EventOf<T> {
    this.n++;
    this.t += (options.minutes ?? 1) * 60_000;
    const e = {
      id: ulidOf(1_000_000 + this.n),
      type,
      v: 1,
      at: new Date(this.t).toISOString(),
      ...(session ? { session } : {}),
      actor: this.actor,
      clock: this.n,
      replica: this.replica,
      data,
    } as unknown as EventOf<T>;
    this.events.push(e);
    return e;
  }

  start(session: string, shortname: string, extra: Partial<EventData<'session.started'>> = {}, options: { minutes?: number } = {}) {
    return this.add('session.started', session, { title: extra.title ?? shortname, shortname, taskIds: [], meta: {}, ...extra }, options);
  }

  link(session: string, key: string, action: EventData<'item.linked'>['action'], note?: string) {
    return this.add('item.linked', session, { key, action, ...(note ? { note } : {}) });
  }
}
