import { createHash } from 'node:crypto';
import stringify from 'fast-json-stable-stringify';
import { LogbookError } from '../errors.js';
import type { JournalEvent } from '../events.js';
import type { EventStore, NewEvents, ReadOptions, ReadResult, StoreHead } from './types.js';

interface Entry {
  id: string;
  parent: string | null;
  event: JournalEvent;
}

/** An in-memory store for tests and embedding; same contract as the git store. */
export class MemoryStore implements EventStore {
  private readonly entries = new Map<string, Entry>();
  private readonly refs = new Map<string, string>();

  async head(): Promise<StoreHead> {
    let maxClock = 0;
    for (const tip of this.refs.values()) maxClock = Math.max(maxClock, this.entries.get(tip)!.event.clock);
    return { tips: Object.fromEntries(this.refs), maxClock };
  }

  async append({ replica, events, expectedTip }: { replica: string; events: JournalEvent[]; expectedTip: string | null }) {
    const current = this.refs.get(replica) ?? null;
    if (current !== expectedTip) {
      throw new LogbookError('CONFLICT', `replica ${replica} moved from ${expectedTip ?? '(none)'} to ${current ?? '(none)'}`, {
        hint: 'read the journal again and retry',
      });
    }
    let parent = current;
    for (const event of events) {
      const id = createHash('sha1').update(`${parent ?? ''}\n${stringify(event)}`).digest('hex');
      this.entries.set(id, { id, parent, event: structuredClone(event) });
      parent = id;
    }
    if (parent !== null) this.refs.set(replica, parent);
    return { tip: parent ?? '' };
  }

  async read(options: ReadOptions = {}): Promise<ReadResult> {
    const events: JournalEvent[] = [];
    const tips = options.at ? new Map(Object.entries(options.at)) : this.refs;
    for (const tip of tips.values()) {
      if (!this.entries.has(tip)) throw new LogbookError('CONFLICT', `the journal no longer holds commit ${tip}`, { hint: 'read the journal again' });
      for (let e = this.entries.get(tip); e; e = e.parent ? this.entries.get(e.parent) : undefined) {
        events.push(structuredClone(e.event));
      }
    }
    return { events, unreadable: [], tips: Object.fromEntries(tips) };
  }

  async readNew(): Promise<NewEvents> {
    // No incremental path in memory: callers fall back to a full read.
    const { events, unreadable, tips } = await this.read();
    return { events, unreadable, tips, complete: false };
  }

  /** Copy another store's refs and entries in (a fetch, for convergence tests). */
  absorb(other: MemoryStore): void {
    for (const [id, e] of other.entries) this.entries.set(id, e);
    for (const [replica, tip] of other.refs) {
      if (!this.refs.has(replica) || this.isAncestor(this.refs.get(replica)!, tip)) this.refs.set(replica, tip);
    }
  }

  private isAncestor(ancestor: string, tip: string): boolean {
    for (let e = this.entries.get(tip); e; e = e.parent ? this.entries.get(e.parent) : undefined) if (e.id === ancestor) return true;
    return false;
  }
}
