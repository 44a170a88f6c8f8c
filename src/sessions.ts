/**
 * Session references and the current session (SPEC 4). Pure functions over
 * the session model; the caller supplies the environment.
 */
import { LogbookError } from './errors.js';
import { sessionIdPattern } from './events.js';
import { isOpen, openSessions, sessionHeaders, type Session, type SessionHeader, type SessionsState } from '../projections/sessions.js';

function describe(s: SessionHeader): string {
  return `${s.id} (${s.stable}, ${s.shortname}, ${s.status})`;
}

/**
 * Resolve a reference in any form of SPEC 4: the full id, the stable id
 * `s_xxxx`, the suffix, the shortname, or a unique prefix of the full id.
 * Answers a header (a closed session's state may be on disk: the caller
 * reads it, `Journal.loadSession`); an open session's full id needs no
 * closed session's header, any other reference needs them read.
 */
export function resolveSession(state: SessionsState, ref: string): SessionHeader {
  const r = ref.trim();
  if (!r) throw new LogbookError('INVALID_INPUT', 'empty session reference', { hint: 'pass a session id, s_xxxx, suffix or shortname' });
  const inMemory = state.sessions.get(r);
  if (inMemory) return inMemory;
  const all = sessionHeaders(state);
  const exact = all.find((s) => s.id === r);
  if (exact) return exact;
  const tiers: Array<(s: SessionHeader) => boolean> = [
    (s) => s.stable === r || s.suffix === r,
    (s) => s.shortname === r,
    // A unique prefix of any of those forms: the full id, s_xxxx, the suffix or the shortname.
    (s) => s.id.startsWith(r) || s.stable.startsWith(r) || s.suffix.startsWith(r) || s.shortname.startsWith(r),
  ];
  for (const test of tiers) {
    let matches = all.filter(test);
    // A short name is unique among open sessions: it names the open one, closed namesakes go by id.
    if (matches.length > 1 && test === tiers[1]) {
      const open = matches.filter(isOpen);
      if (open.length === 1) matches = open;
    }
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new LogbookError('AMBIGUOUS_SESSION', `"${r}" matches ${matches.length} sessions: ${matches.map(describe).join(', ')}`, {
        hint: 'use the full id or the stable id s_xxxx',
        data: { candidates: matches.map((s) => s.id) },
      });
    }
  }
  throw new LogbookError('UNKNOWN_SESSION', `no session matches "${r}"`, {
    hint: sessionIdPattern.test(r) ? 'run `logbook sync` if it was started on another machine, or `logbook list`' : 'run `logbook list` to see sessions',
  });
}

export interface CurrentSessionInput {
  /** `--session`, a tool's `session` argument, `X-Session-ID` */
  explicit?: string | undefined;
  /** The session a long-lived channel started or resumed last (an MCP server's own). */
  channel?: string | undefined;
  /** `LOGBOOK_SESSION` */
  envSession?: string | undefined;
  /** The agent's client session id, bound by a SessionStart hook. */
  clientSession?: string | undefined;
  replica: string;
  /** Ids this clone had before `sync --fix-collision` gave it a new one: its sessions started under them are still its own. */
  formerReplicas?: readonly string[] | undefined;
}

/**
 * The current session (SPEC 4), the one rule every face uses: the session
 * named on the call; else the one this channel started or resumed; else
 * LOGBOOK_SESSION; else the session bound to the agent's client session;
 * else the newest active session of this clone. Hooks, which may adopt or
 * start a session, use the same steps (`namedSession`, `newestActive`).
 */
export function currentSession(state: SessionsState, input: CurrentSessionInput): SessionHeader {
  const found = findCurrentSession(state, input);
  if (found) return found;
  throw new LogbookError('NO_CURRENT_SESSION', 'no active session on this clone', {
    hint: 'start one with `logbook start --goal "…"`, or pass --session S (see `logbook list`)',
  });
}

export function findCurrentSession(state: SessionsState, input: CurrentSessionInput): SessionHeader | undefined {
  const named = namedSession(state, input);
  // null: a step named a session that is not there (a binding to a session this clone has not fetched): none is current.
  return named === null ? undefined : (named ?? newestActive(state, input));
}

/**
 * The first steps of the rule: a session named on the call, by the channel,
 * by LOGBOOK_SESSION, or by the client binding. `open` keeps to open sessions
 * for the environment and the binding (a hook does not write to a closed one;
 * it falls through to the next step). `null`: the client binding names a
 * session this clone does not have.
 */
export function namedSession(state: SessionsState, input: Omit<CurrentSessionInput, 'replica'>, options: { open?: boolean } = {}): SessionHeader | null | undefined {
  if (input.explicit) return resolveSession(state, input.explicit);
  if (input.channel) return resolveSession(state, input.channel);
  const usable = (s: SessionHeader | undefined) => (s && (!options.open || isOpen(s)) ? s : undefined);
  if (input.envSession) {
    const s = usable(resolveSession(state, input.envSession));
    if (s || !options.open) return s;
  }
  if (input.clientSession) {
    const bound = state.clientBindings.get(input.clientSession);
    if (bound) {
      // An open session is in memory; a closed one kept aside by the cache is closed, which is all `usable` asks.
      const s = state.sessions.get(bound) ?? (state.aside && state.order.includes(bound) ? resolveSession(state, bound) : undefined);
      return s ? usable(s) : null;
    }
  }
  return undefined;
}

/**
 * Does finding the session `ref` names, or the current one, need the closed
 * sessions' headers (`Journal.loadHeaders`)? Not when every name on the way
 * is an open session's id, or there is none: resume and log of the current
 * session read no closed session.
 */
export function needsHeaders(state: SessionsState, refs: ReadonlyArray<string | undefined>, clientSession?: string): boolean {
  if (!state.aside || state.aside.headers) return false;
  if (refs.some((r) => r !== undefined && r.trim() !== '' && !state.sessions.has(r.trim()))) return true;
  const bound = clientSession === undefined ? undefined : state.clientBindings.get(clientSession);
  return bound !== undefined && !state.sessions.has(bound);
}

/**
 * The last step: the newest (by creation time, not journal order: an imported
 * session, old history appended late, must not become current) active session
 * of this clone that `accept` takes (hooks skip those another live
 * conversation holds).
 */
export function newestActive(state: SessionsState, input: Pick<CurrentSessionInput, 'replica' | 'formerReplicas'>, accept: (s: Session) => boolean = () => true): Session | undefined {
  let best: Session | undefined;
  for (const s of openSessions(state)) {
    if (s.status !== 'active' || (s.replica !== input.replica && !input.formerReplicas?.includes(s.replica)) || (best && s.createdAt < best.createdAt)) continue;
    if (accept(s)) best = s;
  }
  return best;
}
