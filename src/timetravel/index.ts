/**
 * Views as of a moment (`--at WHEN`) for every face of Logbook (CLI, MCP,
 * HTTP): load the journal once (the tip-keyed cache, no git walk), cut the
 * ordered events at the moment, and fold the prefix with the ordinary
 * projections. A cut at the end is the live snapshot itself.
 */
import { LogbookError } from '../errors.js';
import type { Logbook } from '../logbook.js';
import type { LoadParts, Snapshot } from '../journal.js';
import { defaultOutDir, writePlan, type WriteResult } from '../rebuild.js';
import { staleTimeoutMs } from '../config.js';
import { lastWrittenElsewhere, projectSessions, sessionHeaders, type Session, type SessionHeader, type WriterMark } from '../../projections/sessions.js';
import { projectItems } from '../../projections/items.js';
import { rebuildPlan } from '../../projections/rebuild.js';
import { projectSince, sinceLines, type SinceModel, type SinceView } from '../../projections/since.js';
import { minute } from '../../projections/time.js';
import { stableId, type Actor, type JournalEvent } from '../events.js';
import { cutFor, type Moment } from './moment.js';
import { entriesOf, entriesOfLines, orderEntries, tailSince, type Entry } from './entries.js';
import { indexedEntries } from './orderIndex.js';
import { isCachingStore } from '../store/types.js';

export { cutFor, latestMoment, momentBanner, WHEN_FORMS, type Moment } from './moment.js';

const ITEM_TYPES = new Set(['item.linked', 'items.migrated']);

/**
 * The snapshot holding only the first `cut` entries, with the session model
 * and item chains folded from them. With `focus`, the session model holds
 * that one session and every message, and the item chains are those that
 * pass through that session (a session's state is folded from its own events
 * only, an item's chain from its own key's events only, so both are exactly
 * what the whole fold gives them): a one-session view skips folding (and
 * parsing) everything else.
 */
function snapshotOfEntries(entries: readonly Entry[], cut: number, base: Snapshot, focus?: string): Snapshot {
  const prefix = entries.slice(0, cut);
  const relevant = (e: Entry) => e.session === focus || e.type === 'message.sent' || e.type === 'message.read';
  const bodies = (list: readonly Entry[]) => list.map((e) => e.event());
  const focusItems = () => {
    // The keys whose chains reach the session: linked in it, or migrated to it.
    const migrations = prefix.filter((e) => e.type === 'items.migrated');
    const keys = new Set<string>();
    for (const e of prefix) if (e.session === focus && e.type === 'item.linked' && e.itemKey !== undefined) keys.add(e.itemKey);
    for (const m of migrations) {
      const e = m.event();
      if (e.type === 'items.migrated' && e.data.to === focus) for (const k of e.data.keys) keys.add(k);
    }
    return projectItems(bodies(prefix.filter((e) => e.type === 'items.migrated' || (e.type === 'item.linked' && e.itemKey !== undefined && keys.has(e.itemKey)))));
  };
  return {
    unreadable: base.unreadable,
    tips: base.tips,
    sessions: projectSessions(bodies(focus === undefined ? prefix : prefix.filter(relevant))),
    // Item chains are folded from item events alone.
    items: focus === undefined ? projectItems(bodies(prefix.filter((e) => ITEM_TYPES.has(e.type)))) : focusItems(),
  };
}

/** The snapshot holding only the first `moment.cut` of `events` (the snapshot's, in order; see snapshotOfEntries); a cut at the end is `snap` itself. */
export function snapshotAt(snap: Snapshot, events: readonly JournalEvent[], moment: Pick<Moment, 'cut'>, focus?: string): Snapshot {
  if (moment.cut >= events.length) return snap;
  return snapshotOfEntries(entriesOf(events), moment.cut, snap, focus);
}

/**
 * The ordered journal as entries: from the order index of the git store's
 * cache (./orderIndex.ts), else its cached lines (order keys read without
 * parsing the events), else from the journal's events.
 */
export async function journalEntries(logbook: Logbook, snap: Snapshot): Promise<Entry[]> {
  const store = logbook.journal.store;
  if (isCachingStore(store) && store.cachedFiles) {
    // The order index beside the cache: under 100 bytes per event (the cache holds ~350), no line parsed until a fold needs it.
    const indexed = indexedEntries(store.cachedFiles());
    if (indexed) return orderEntries(indexed);
  }
  if (isCachingStore(store) && store.rawLinesReader) {
    try {
      return entriesOfLines(store.rawLinesReader()());
    } catch {
      /* a cache line that is not JSON (a damaged cache file): read through the store, which rebuilds it */
    }
  }
  return entriesOf(await logbook.journal.events(snap));
}

export interface AtView {
  /** The snapshot as of the moment (the live one without WHEN). */
  snap: Snapshot;
  /** The journal now. */
  live: Snapshot;
  /** Absent without WHEN: the view is the live one. */
  moment?: Moment;
  /** With WHEN: the journal's entries up to the moment (what `eventsAt` returns, unparsed). */
  prefix?: readonly Entry[];
}

/** Every event of the view, in order: as of its moment, or the journal now. Reads (and parses) them all: ask only where a view needs them. */
export async function eventsAt(logbook: Logbook, view: AtView): Promise<JournalEvent[]> {
  return view.prefix ? view.prefix.map((e) => e.event()) : logbook.journal.events(view.live);
}

/**
 * Load the journal as of `when` (undefined: now). `session` is the session
 * a `checkpoint:N` / `compaction:N` counts in (default: the current one);
 * `focus` folds only that session's state (for `view` and `resume`).
 *
 * @example const { snap, moment } = await loadAt(logbook, 'checkpoint:2', { session: 's_ab12' });
 */
export async function loadAt(logbook: Logbook, when: string | undefined, options: { session?: string | undefined; focus?: boolean; /** what the live read must hold (Journal.load) */ parts?: LoadParts } = {}): Promise<AtView> {
  const live = await logbook.load(options.parts);
  if (when === undefined) return { snap: live, live };
  const entries = await journalEntries(logbook, live);
  const current = () => logbook.session(live, options.session).id;
  const moment = cutFor(entries, when, { now: logbook.journal.now(), session: current });
  if (moment.cut >= entries.length) return { snap: live, live, moment };
  return { snap: snapshotOfEntries(entries, moment.cut, live, options.focus ? current() : undefined), live, moment, prefix: entries.slice(0, moment.cut) };
}

/** A session (reference resolved against the journal now) as it stood at the moment of `view`. */
export function sessionAt(logbook: Logbook, view: AtView, ref?: string): Session {
  const now = logbook.session(view.live, ref);
  if (!view.moment) return now;
  const then = view.snap.sessions.sessions.get(now.id);
  if (!then) {
    throw new LogbookError('SESSION_STATE', `session ${now.stable} (${now.shortname}) did not exist yet at ${view.moment.label}`, {
      hint: `it started at ${now.createdAt}; pass a later --at, or leave --at out`,
    });
  }
  return then;
}

/** The resume context as of a moment: read-only (a past view reopens nothing and marks no message read). */
export function resumeAt(logbook: Logbook, view: AtView, ref?: string, options: { budget?: number } = {}) {
  const session = sessionAt(logbook, view, ref);
  return logbook.resumeText(view.snap, session, options);
}

/** `rebuild --at`: every projection file as of the moment, written to `out` (default `.logbook/`). */
export async function rebuildAt(logbook: Logbook, view: AtView, out?: string): Promise<WriteResult & { events: number }> {
  const events = await eventsAt(logbook, view);
  const plan = rebuildPlan(events, { staleAfterMs: staleTimeoutMs(logbook.journal) });
  return { ...writePlan(out ?? defaultOutDir(logbook.journal), plan), events: events.length };
}

/**
 * The default moment of `since`: the end of the reader's previous session —
 * right after the last event this actor and agent wrote in a session other
 * than `current`. `start` (everything) when they never wrote one.
 */
export function previousSessionEnd(events: readonly JournalEvent[] | readonly Entry[], me: Pick<Actor, 'email' | 'agent'>, current?: string): Moment {
  for (let i = events.length - 1; i >= 0; i--) {
    const x = events[i]!;
    if (!x.session || x.session === current) continue;
    const e = typeof (x as Entry).event === 'function' ? (x as Entry).event() : (x as JournalEvent);
    if (e.actor.email !== me.email || (e.actor.agent ?? '') !== (me.agent ?? '')) continue;
    return { when: 'previous', kind: 'previous', cut: i + 1, total: events.length, at: e.at, lastEvent: e.id, session: x.session, label: `the end of your previous session ${stableId(x.session)}, ${e.at}` };
  }
  return { when: 'previous', kind: 'start', cut: 0, total: events.length, at: undefined, lastEvent: undefined, label: 'the start of the journal (you have no earlier session)' };
}

/**
 * The sessions `since` needs (projections/since.ts SinceModel): the open ones
 * whole, and the headers of those the changes name, so that a closed
 * session's log is never loaded for its title.
 */
function sinceModel(snap: Snapshot, tail: readonly JournalEvent[]): SinceModel {
  const headers = new Map(sessionHeaders(snap.sessions).map((h) => [h.id, h]));
  const sessions = new Map<string, SessionHeader | Session>();
  for (const h of headers.values()) {
    const s = h.status === 'active' || h.status === 'paused' ? snap.sessions.sessions.get(h.id) : undefined;
    if (s) sessions.set(h.id, s);
  }
  for (const e of tail) {
    if (!e.session || sessions.has(e.session)) continue;
    const h = headers.get(e.session);
    if (h) sessions.set(e.session, h);
  }
  return { sessions };
}

export interface SinceResult {
  moment: Moment;
  view: SinceView;
}

/**
 * What changed in the whole journal since `when` (default: the end of this
 * actor's and agent's previous session), other actors' work first.
 *
 * @example const { moment, view } = await since(logbook, '1d');
 */
export async function since(logbook: Logbook, when?: string, options: { limit?: number; snap?: Snapshot } = {}): Promise<SinceResult> {
  const snap = options.snap ?? (await logbook.load());
  const me = logbook.journal.actor;
  const now = logbook.journal.now();
  const current = logbook.findSession(snap)?.id;
  const entries = await journalEntries(logbook, snap);
  const moment = when === undefined ? previousSessionEnd(entries, me, current) : cutFor(entries, when, { now, session: () => logbook.session(snap).id });
  // Only the events after the moment are parsed.
  const tail = entries.slice(moment.cut).map((e) => e.event());
  const view = projectSince(tail, 0, sinceModel(snap, tail), {
    me,
    now,
    staleAfterMs: staleTimeoutMs(logbook.journal),
    ...(moment.at ? { cutAt: moment.at } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  return { moment, view };
}

/**
 * The "since you were last here" lines for an agent's SessionStart: what
 * other sessions wrote since this agent's previous session ended, or nothing
 * when it has no previous session or nobody else wrote since. With `from`
 * (the newest event this agent wrote anywhere, read before the hook wrote
 * its own), since then: a conversation that goes on in the same session
 * hears what happened while it was away too. `from: undefined`: it never
 * wrote, so there is nothing to catch up on.
 */
export async function catchUpLines(logbook: Logbook, snap: Snapshot, current: string, options: { limit?: number; from?: WriterMark | undefined } = {}): Promise<string[]> {
  const me = logbook.journal.actor;
  const fromGiven = 'from' in options;
  const mark = fromGiven ? options.from : undefined;
  // Never written (outside this session): nothing to catch up on, and nothing to walk back to (a team journal
  // where this writer is new would otherwise be read whole to find that out).
  if (fromGiven ? !mark : !lastWrittenElsewhere(snap.sessions, me, current)) return [];
  // From the git store's cache, read from the end back to that event only: an agent's every
  // SessionStart then costs what happened since, not the whole journal.
  const store = logbook.journal.store;
  const tail = isCachingStore(store) && store.rawLinesBackward ? tailSince(store.rawLinesBackward()(), me, current, mark) : undefined;
  let at: string;
  let events: JournalEvent[];
  if (tail) {
    if (!tail.at) return [];
    ({ at, events } = tail as { at: string; events: JournalEvent[] });
  } else {
    const entries = await journalEntries(logbook, snap);
    const found = mark ? entries.findIndex((e) => e.id === mark.id) : -1;
    const moment = mark ? (found < 0 ? undefined : { cut: found + 1, at: mark.at }) : previousSessionEnd(entries, me, current);
    if (!moment || moment.at === undefined) return [];
    at = moment.at;
    events = entries.slice(moment.cut).map((e) => e.event());
  }
  const view = projectSince(events, 0, sinceModel(snap, events), { me, limit: options.limit ?? 15 });
  const lines = sinceLines({ ...view, sessions: view.sessions.filter((g) => g.session !== current) });
  return lines.length ? [`Since ${mark ? 'you last wrote' : 'your previous session'} (${minute(at)}):`, ...lines] : [];
}
