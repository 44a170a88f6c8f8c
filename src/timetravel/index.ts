/**
 * Views as of a moment (`--at WHEN`) for every face of Logbook (CLI, MCP,
 * HTTP): load the journal once (the tip-keyed cache, no git walk), cut the
 * ordered events at the moment, and fold the prefix with the ordinary
 * projections. A cut at the end is the live snapshot itself.
 */
import { LogbookError } from '../errors.js';
import type { Logbook } from '../logbook.js';
import type { Snapshot } from '../journal.js';
import { defaultOutDir, writePlan, type WriteResult } from '../rebuild.js';
import { staleTimeoutMs } from '../config.js';
import { projectSessions, type Session } from '../../projections/sessions.js';
import { projectItems } from '../../projections/items.js';
import { rebuildPlan } from '../../projections/rebuild.js';
import { projectSince, sinceLines, type SinceView } from '../../projections/since.js';
import { minute } from '../../projections/time.js';
import { stableId, type Actor, type JournalEvent } from '../events.js';
import { cutFor, type Moment } from './moment.js';

export { cutFor, latestMoment, momentBanner, WHEN_FORMS, type Moment } from './moment.js';

/**
 * The snapshot holding only the first `moment.cut` events, with the session
 * model and item chains folded from them (lazily: a view that needs only one
 * of them pays for one fold). With `focus`, the session model holds that one
 * session (and every message): a session's state is folded from its own
 * events only, so a one-session view skips folding all the others.
 */
export function snapshotAt(snap: Snapshot, moment: Pick<Moment, 'cut'>, focus?: string): Snapshot {
  const all = snap.events;
  if (moment.cut >= all.length) return snap;
  const events = all.slice(0, moment.cut);
  let sessions: Snapshot['sessions'] | undefined;
  let items: Snapshot['items'] | undefined;
  const relevant = (e: JournalEvent) => e.session === focus || e.type === 'message.sent' || e.type === 'message.read';
  return {
    events,
    unreadable: snap.unreadable,
    tips: snap.tips,
    get sessions() {
      return (sessions ??= projectSessions(focus === undefined ? events : events.filter(relevant)));
    },
    get items() {
      return (items ??= projectItems(events));
    },
  };
}

export interface AtView {
  /** The snapshot as of the moment (the live one without WHEN). */
  snap: Snapshot;
  /** The journal now. */
  live: Snapshot;
  /** Absent without WHEN: the view is the live one. */
  moment?: Moment;
}

/**
 * Load the journal as of `when` (undefined: now). `session` is the session
 * a `checkpoint:N` / `compaction:N` counts in (default: the current one);
 * `focus` folds only that session's state (for `view` and `resume`).
 *
 * @example const { snap, moment } = await loadAt(logbook, 'checkpoint:2', { session: 's_ab12' });
 */
export async function loadAt(logbook: Logbook, when: string | undefined, options: { session?: string | undefined; focus?: boolean } = {}): Promise<AtView> {
  const live = await logbook.load();
  if (when === undefined) return { snap: live, live };
  const current = () => logbook.session(live, options.session).id;
  const moment = cutFor(live.events, when, { now: logbook.journal.now(), session: current });
  return { snap: snapshotAt(live, moment, options.focus ? current() : undefined), live, moment };
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
export function rebuildAt(logbook: Logbook, view: AtView, out?: string): WriteResult & { events: number } {
  const plan = rebuildPlan(view.snap.events, { staleAfterMs: staleTimeoutMs(logbook.journal) });
  return { ...writePlan(out ?? defaultOutDir(logbook.journal), plan), events: view.snap.events.length };
}

/**
 * The default moment of `since`: the end of the reader's previous session —
 * right after the last event this actor and agent wrote in a session other
 * than `current`. `start` (everything) when they never wrote one.
 */
export function previousSessionEnd(events: readonly JournalEvent[], me: Pick<Actor, 'email' | 'agent'>, current?: string): Moment {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (!e.session || e.session === current || e.actor.email !== me.email || (e.actor.agent ?? '') !== (me.agent ?? '')) continue;
    return { when: 'previous', kind: 'previous', cut: i + 1, total: events.length, at: e.at, lastEvent: e.id, session: e.session, label: `the end of your previous session ${stableId(e.session)}, ${e.at}` };
  }
  return { when: 'previous', kind: 'start', cut: 0, total: events.length, at: undefined, lastEvent: undefined, label: 'the start of the journal (you have no earlier session)' };
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
  const moment = when === undefined ? previousSessionEnd(snap.events, me, current) : cutFor(snap.events, when, { now, session: () => logbook.session(snap).id });
  const view = projectSince(snap.events, moment.cut, snap.sessions, {
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
 * when it has no previous session or nobody else wrote since.
 */
export function catchUpLines(logbook: Logbook, snap: Snapshot, current: string, options: { limit?: number } = {}): string[] {
  const moment = previousSessionEnd(snap.events, logbook.journal.actor, current);
  if (moment.kind === 'start') return [];
  const view = projectSince(snap.events, moment.cut, snap.sessions, { me: logbook.journal.actor, limit: options.limit ?? 15 });
  const lines = sinceLines({ ...view, sessions: view.sessions.filter((g) => g.session !== current) });
  return lines.length ? [`Since your previous session (${minute(moment.at!)}):`, ...lines] : [];
}
