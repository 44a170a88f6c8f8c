/**
 * A projection's decision about every event type, in one place: a handler, or
 * an explicit `ignore`. The table is keyed by every `EventType`, so a new
 * event type fails to compile until each view has said what it does with it.
 * Pure: no I/O.
 */
import type { EventOf, EventType, JournalEvent } from '../src/events.js';

/** Marks an event type a view does not need. */
export const ignore = 'ignore' as const;

/**
 * `ignore` for each of `types`, to spread into a table after its handlers: the
 * table's type still demands every event type, and a type both handled and
 * ignored is a compile error (the spread would overwrite the handler).
 */
export function ignoring<const T extends readonly EventType[]>(...types: T): { readonly [K in T[number]]: typeof ignore } {
  return Object.fromEntries(types.map((t) => [t, ignore])) as { readonly [K in T[number]]: typeof ignore };
}

/** A fold step for events of type `T`; it mutates `state`. */
export type Handler<S, T extends EventType> = (state: S, e: EventOf<T>) => void;

/** One entry per event type: its handler, or `ignore`. */
export type Handlers<S> = { readonly [T in EventType]: Handler<S, T> | typeof ignore };

/**
 * The fold step `handlers` describe (mutates and returns `state`).
 * @example const evolve = foldStep<Count>({ blocker: (s) => void s.n++, ...ignoring('progress', 'next', …every other type) });
 */
export function foldStep<S>(handlers: Handlers<S>): (state: S, e: JournalEvent) => S {
  return (state, e) => {
    const handle = handlers[e.type] as Handler<S, EventType> | typeof ignore;
    if (handle !== ignore) handle(state, e);
    return state;
  };
}

/** A yes/no per event type, checked for exhaustiveness like the handlers (for example, which kinds a log shows). */
export type EventFlags = { readonly [T in EventType]: boolean };

/** The event types whose flag is set. */
export function flagged(flags: EventFlags): ReadonlySet<EventType> {
  return new Set((Object.keys(flags) as EventType[]).filter((t) => flags[t]));
}
