/**
 * A fast-check generator of whole journals as several agents write them at
 * once: two or three sessions, each on its own replica with its own actor,
 * agent and client (a Claude Code session, a Codex one, a person), whose
 * events interleave with Lamport clocks that jump when a lane "syncs" — so
 * the total order (clock, id) is not the order events were written in, nor
 * the order of their times.
 *
 * Beside plain entries it makes what refers back to earlier events: steps
 * (`--step`, `--done`, named by retyped variants of a few names), blocker
 * resolutions by number, decisions that supersede earlier ones, subsessions
 * started and ended, and redactions hiding earlier events of any session.
 * Every free text carries a token `k<n>z` found nowhere else, so a test can
 * tell whether a redacted event's text leaked into some output.
 *
 * The generated events are what the CLI would write: a blocker is resolved
 * once and its resolution repeats its text (as `log --resolve` does), a
 * redaction names an event its writer had seen (its clock is later).
 */
import fc from 'fast-check';
import type { Actor, Draft, JournalEvent } from '../../src/events.js';
import { ulidOf } from './events.js';

export interface Lane {
  session: string;
  shortname: string;
  actor: Actor;
  replica: string;
  /** The agent client's session id bound by a `transcript.linked` (none for a person). */
  client?: { name: string; id: string };
}

export const LANES: readonly Lane[] = [
  { session: '20260102_1000_aaaa', shortname: 'lane-a', actor: { name: 'Ada', email: 'ada@example.com', agent: 'claude-code', agentSession: 'cc-0001' }, replica: 'replicaaaaaa', client: { name: 'claude-code', id: 'cc-0001' } },
  { session: '20260102_1001_bbbb', shortname: 'lane-b', actor: { name: 'Bob', email: 'bob@example.com', agent: 'codex', agentSession: 'cx-0002' }, replica: 'replicabbbbb', client: { name: 'codex', id: 'cx-0002' } },
  { session: '20260102_1002_cccc', shortname: 'lane-c', actor: { name: 'Cy', email: 'cy@example.com' }, replica: 'replicaccccc' },
];

export const STEP_NAMES = ['Reproduce bug', 'Implement fix', 'Add regression test'] as const;
/** Where a free text's unique token is: `k17z`. */
export const TOKEN = /\bk\d+z\b/g;

/** One thing an agent does, in lane `l`; references (`n`, `pick`) are resolved against what exists then. */
export type Cmd =
  | { k: 'progress'; l: number; t: string | null; step: string | null; done: boolean }
  | { k: 'next'; l: number; t: string | null }
  | { k: 'decision'; l: number; rationale: boolean; supersedes: number | null }
  | { k: 'discovery'; l: number; evidence: boolean }
  | { k: 'blocker'; l: number }
  | { k: 'resolve'; l: number; /** Picks the blocker number among those raised. */ n: number; note: boolean }
  | { k: 'redact'; l: number; pick: number; prefer: 'any' | 'blocker' | 'decision' | 'progress' }
  | { k: 'sub'; l: number; open: boolean }
  | { k: 'link'; l: number; item: number; action: 'created' | 'updated' | 'completed' | 'referenced' | 'blocked'; note: boolean }
  | { k: 'pause' | 'resume' | 'checkpoint' | 'tool'; l: number }
  | { k: 'close'; l: number; complete: boolean }
  | { k: 'sync'; l: number };

/** A step name as a person might retype it: other case, extra spaces, a trailing full stop. */
export const stepVariant = fc
  .tuple(fc.constantFrom(...STEP_NAMES), fc.constantFrom('same', 'upper', 'lower', 'padded', 'dot', 'bang'))
  .map(([n, v]) => (v === 'upper' ? n.toUpperCase() : v === 'lower' ? n.toLowerCase() : v === 'padded' ? `  ${n.replace(' ', '   ')} ` : v === 'dot' ? `${n}.` : v === 'bang' ? `${n}!` : n));

export function cmdArb(lanes: number): fc.Arbitrary<Cmd> {
  const l = fc.nat(lanes - 1);
  // null text: a fresh note carrying a unique token, made when the journal is built.
  const textOrStep = fc.option(stepVariant, { nil: null, freq: 2 });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ k: fc.constant('progress' as const), l, t: textOrStep, step: fc.option(stepVariant, { nil: null }), done: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('next' as const), l, t: fc.option(stepVariant, { nil: null }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('decision' as const), l, rationale: fc.boolean(), supersedes: fc.option(fc.nat(5), { nil: null }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('discovery' as const), l, evidence: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('blocker' as const), l }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('resolve' as const), l, n: fc.nat(), note: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('redact' as const), l, pick: fc.nat(), prefer: fc.constantFrom('any' as const, 'blocker' as const, 'decision' as const, 'progress' as const) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('sub' as const), l, open: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('link' as const), l, item: fc.nat(3), action: fc.constantFrom('created' as const, 'updated' as const, 'completed' as const, 'referenced' as const, 'blocked' as const), note: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('pause' as const, 'resume' as const, 'checkpoint' as const, 'tool' as const), l }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('sync' as const), l }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('close' as const), l, complete: fc.boolean() }) },
  );
}

export interface Built {
  /** In the order they were written (not the total order). */
  events: JournalEvent[];
  lanes: readonly Lane[];
  /** Redacted event id -> the tokens its hidden text held. */
  hidden: Map<string, string[]>;
  /** Per session: blockers in the order raised (number = index + 1), and whether resolved. */
  blockers: Map<string, Array<{ id: string; text: string; resolved: boolean }>>;
  /** Per session: decisions in order, and the id of the one that superseded each. */
  decisions: Map<string, Array<{ id: string; text: string; supersededBy?: string }>>;
}

/** Keys `applyRedactions` keeps (projections/order.ts): what a redaction does not hide. */
const KEPT = new Set(['status', 'outcome', 'trigger', 'action', 'source', 'sub', 'blocker', 'supersedes', 'key', 'keys', 'from', 'to', 'parentSession', 'agentId', 'success', 'durationMs', 'messages', 'event', 'commit', 'patchId', 'replaces', 'why']);

function tokensOf(data: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(...(v.match(TOKEN) ?? []));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const [k, v] of Object.entries(data)) if (!KEPT.has(k)) walk(v);
  return out;
}

/** The tokens of an event's own text: a resolution's `text` is its blocker's, shown while that blocker is not redacted. */
function ownTokens(e: JournalEvent): string[] {
  const { text: _copy, ...own } = e.data as Record<string, unknown>;
  return tokensOf(e.type === 'blocker.resolved' ? own : (e.data as Record<string, unknown>));
}

const WORDS = ['lock', 'order', 'sweep', 'cache', 'retry', 'parser', 'index', 'queue'];

/** Turn commands into events (invalid ones — resolving what is not open, ending no subsession — are skipped, as the CLI refuses them). */
export function buildJournal(cmds: readonly Cmd[], laneCount: number, sameClone = false): Built {
  // In one clone the agents share its replica, and every append sees every event before it.
  const lanes = LANES.slice(0, laneCount).map((lane) => (sameClone ? { ...lane, replica: LANES[0]!.replica } : lane));
  const events: JournalEvent[] = [];
  const hidden = new Map<string, string[]>();
  const blockers = new Map<string, Array<{ id: string; text: string; resolved: boolean }>>();
  const decisions = new Map<string, Array<{ id: string; text: string; supersededBy?: string }>>();
  const clocks = lanes.map(() => 0);
  const closed = lanes.map(() => false);
  const paused = lanes.map(() => false);
  const subs = lanes.map(() => ({ n: 0, open: [] as string[] }));
  let t = Date.parse('2026-01-02T10:00:00.000Z');
  let token = 0;
  const fresh = (what: string) => `${what} ${WORDS[token % WORDS.length]} k${++token}z`;
  const add = (l: number, draft: Draft): JournalEvent => {
    const lane = lanes[l]!;
    if (sameClone) seeAll(l);
    clocks[l]! += 1;
    t += 60_000;
    const e = { id: ulidOf(2_000_000 + events.length), v: 1, at: new Date(t).toISOString(), session: lane.session, actor: lane.actor, clock: clocks[l]!, replica: lane.replica, ...draft } as JournalEvent;
    events.push(e);
    return e;
  };
  const seeAll = (l: number) => (clocks[l] = Math.max(...clocks));
  for (const [l, lane] of lanes.entries()) {
    blockers.set(lane.session, []);
    decisions.set(lane.session, []);
    add(l, { type: 'session.started', data: { title: `Work of ${lane.actor.name}`, shortname: lane.shortname, goal: fresh('goal'), taskIds: [], meta: {} } });
    if (lane.client) add(l, { type: 'transcript.linked', data: { client: lane.client.name, clientSession: lane.client.id, source: 'startup' } });
  }
  for (const c of cmds) {
    const l = c.l % lanes.length;
    const s = lanes[l]!.session;
    if (closed[l] && c.k !== 'redact' && c.k !== 'sync') continue;
    switch (c.k) {
      case 'progress':
        add(l, { type: 'progress', data: { text: c.t ?? fresh('note'), status: c.done ? 'done' : 'current', ...(c.step ? { step: c.step } : {}) } });
        break;
      case 'next':
        add(l, { type: 'next', data: { text: c.t ?? fresh('next') } });
        break;
      case 'decision': {
        const list = decisions.get(s)!;
        const old = c.supersedes !== null && list.length ? list[c.supersedes % list.length] : undefined;
        const text = fresh('decide');
        const e = add(l, { type: 'decision', data: { text, ...(c.rationale ? { rationale: fresh('because') } : {}), ...(old ? { supersedes: old.id } : {}) } });
        if (old) old.supersededBy = e.id;
        list.push({ id: e.id, text });
        break;
      }
      case 'discovery':
        add(l, { type: 'discovery', data: { text: fresh('found'), ...(c.evidence ? { evidence: fresh('evidence') } : {}) } });
        break;
      case 'blocker': {
        const text = fresh('blocked');
        blockers.get(s)!.push({ id: add(l, { type: 'blocker', data: { text } }).id, text, resolved: false });
        break;
      }
      case 'resolve': {
        // `--resolve N`: a number that exists (N picked among the raised); an already resolved one is refused.
        const raised = blockers.get(s)!;
        const b = raised[c.n % Math.max(1, raised.length)];
        if (!b || b.resolved) break;
        b.resolved = true;
        add(l, { type: 'blocker.resolved', data: { blocker: b.id, text: b.text, ...(c.note ? { note: fresh('fixed') } : {}) } });
        break;
      }
      case 'redact': {
        const targets = events.filter((e) => e.type !== 'redaction' && !hidden.has(e.id) && ownTokens(e).length);
        const preferred = targets.filter((e) => e.type === c.prefer);
        const from = preferred.length ? preferred : targets;
        const target = from[c.pick % Math.max(1, from.length)];
        if (!target) break;
        clocks[l] = Math.max(clocks[l]!, target.clock); // its writer had read the event
        if (sameClone) seeAll(l);
        hidden.set(target.id, ownTokens(target));
        const lane = lanes[l]!;
        clocks[l]! += 1;
        t += 60_000;
        events.push({ id: ulidOf(2_000_000 + events.length), v: 1, type: 'redaction', at: new Date(t).toISOString(), ...(target.session ? { session: target.session } : {}), actor: lane.actor, clock: clocks[l]!, replica: lane.replica, data: { event: target.id, reason: 'looked like a secret' } } as JournalEvent);
        break;
      }
      case 'sub': {
        const st = subs[l]!;
        if (c.open) {
          const sub = `sub_${String(++st.n).padStart(3, '0')}`;
          st.open.push(sub);
          add(l, { type: 'subsession.started', data: { sub, name: fresh('part') } });
        } else {
          const sub = st.open.pop();
          if (sub) add(l, { type: 'subsession.ended', data: { sub, summary: fresh('ended') } });
        }
        break;
      }
      case 'link':
        add(l, { type: 'item.linked', data: { key: `task:${c.item + 1}`, action: c.action, ...(c.note ? { note: fresh('item') } : {}) } });
        break;
      case 'pause':
        if (!paused[l]) add(l, { type: 'session.paused', data: { note: fresh('pause') } });
        paused[l] = true;
        break;
      case 'resume':
        if (paused[l]) add(l, { type: 'session.resumed', data: {} });
        paused[l] = false;
        break;
      case 'checkpoint':
        add(l, { type: 'session.checkpointed', data: { note: fresh('checkpoint') } });
        break;
      case 'tool':
        add(l, { type: 'tool.used', data: { tool: 'Bash', success: true, durationMs: 12 } });
        break;
      case 'close':
        add(l, { type: 'session.closed', data: c.complete ? { outcome: 'completed', summary: fresh('summary'), learnings: [fresh('learned')], tasksCompleted: [] } : { outcome: 'abandoned', reason: fresh('reason'), learnings: [], tasksCompleted: [] } });
        closed[l] = true;
        break;
      case 'sync':
        seeAll(l);
        break;
    }
  }
  return { events, lanes, hidden, blockers, decisions };
}

/**
 * A journal: 2 or 3 interleaved sessions and up to `maxCmds` commands,
 * either in one clone (one replica, one Lamport clock: events arrive in
 * order) or each in its own clone (clocks that jump only at a `sync`).
 */
export function journalArb(options: { maxCmds?: number; minLanes?: 2 | 3 } = {}): fc.Arbitrary<Built> {
  return fc
    .tuple(fc.integer({ min: options.minLanes ?? 2, max: 3 }), fc.boolean())
    .chain(([n, sameClone]) => fc.array(cmdArb(n), { maxLength: options.maxCmds ?? 40, size: 'max' }).map((cmds) => buildJournal(cmds, n, sameClone)));
}

/** Split points for a list of `length` (sorted, distinct, inside it): where an incremental reader catches up. */
export function splitsArb(maxSplits = 4): fc.Arbitrary<number[]> {
  // Integers, not doubles: fast-check biases doubles to 0 and 1, which cut nothing.
  return fc.array(fc.integer({ min: 1, max: 999 }).map((n) => n / 1000), { maxLength: maxSplits, size: 'max' });
}

/** `items` cut at the fractions `at` (from splitsArb): consecutive non-empty chunks, all of it. */
export function chunks<T>(items: readonly T[], at: readonly number[]): T[][] {
  const cuts = [...new Set(at.map((f) => Math.floor(f * items.length)).filter((i) => i > 0 && i < items.length))].sort((a, b) => a - b);
  const out: T[][] = [];
  let from = 0;
  for (const c of [...cuts, items.length]) {
    out.push(items.slice(from, c));
    from = c;
  }
  return out.filter((c) => c.length);
}
