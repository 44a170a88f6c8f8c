/**
 * Session references and the current session (SPEC 4). Pure functions over
 * the session model; the caller supplies the environment.
 */
import { LogbookError } from './errors.js';
import { sessionIdPattern } from './events.js';
import { isOpen, sessionHeaders, type Session, type SessionHeader, type SessionsState } from '../projections/sessions.js';

function describe(s: SessionHeader): string {
  return `${s.id} (${s.stable}, ${s.shortname}, ${s.status})`;
}

/**
 * Resolve a reference in any form of SPEC 4: the full id, the stable id
 * `s_xxxx`, the suffix, the shortname, or a unique prefix of the full id.
 */
export function resolveSession(state: SessionsState, ref: string): Session {
  const r = ref.trim();
  if (!r) throw new LogbookError('INVALID_INPUT', 'empty session reference', { hint: 'pass a session id, s_xxxx, suffix or shortname' });
  const all = sessionHeaders(state);
  if (all.some((s) => s.id === r)) return state.sessions.get(r)!;
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
    if (matches.length === 1) return state.sessions.get(matches[0]!.id)!;
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
export function currentSession(state: SessionsState, input: CurrentSessionInput): Session {
  const found = findCurrentSession(state, input);
  if (found) return found;
  throw new LogbookError('NO_CURRENT_SESSION', 'no active session on this clone', {
    hint: 'start one with `logbook start --goal "…"`, or pass --session S (see `logbook list`)',
  });
}

export function findCurrentSession(state: SessionsState, input: CurrentSessionInput): Session | undefined {
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
export function namedSession(state: SessionsState, input: Omit<CurrentSessionInput, 'replica'>, options: { open?: boolean } = {}): Session | null | undefined {
  if (input.explicit) return resolveSession(state, input.explicit);
  if (input.channel) return resolveSession(state, input.channel);
  const usable = (s: Session | undefined) => (s && (!options.open || isOpen(s)) ? s : undefined);
  if (input.envSession) {
    const s = usable(resolveSession(state, input.envSession));
    if (s || !options.open) return s;
  }
  if (input.clientSession) {
    const bound = state.clientBindings.get(input.clientSession);
    if (bound) {
      const s = state.sessions.get(bound);
      return s ? usable(s) : null;
    }
  }
  return undefined;
}

/**
 * The last step: the newest (by creation time, not journal order: an imported
 * session, old history appended late, must not become current) active session
 * of this clone that `accept` takes (hooks skip those another live
 * conversation holds).
 */
export function newestActive(state: SessionsState, input: Pick<CurrentSessionInput, 'replica' | 'formerReplicas'>, accept: (s: Session) => boolean = () => true): Session | undefined {
  let best: Session | undefined;
  for (const h of sessionHeaders(state)) {
    if (h.status !== 'active' || (h.replica !== input.replica && !input.formerReplicas?.includes(h.replica)) || (best && h.createdAt < best.createdAt)) continue;
    const s = state.sessions.get(h.id)!; // active: in memory, no closed logs loaded
    if (accept(s)) best = s;
  }
  return best;
}
