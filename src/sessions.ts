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
  /** `--session` */
  explicit?: string | undefined;
  /** `LOGBOOK_SESSION` */
  envSession?: string | undefined;
  /** The agent's client session id, bound by a SessionStart hook. */
  clientSession?: string | undefined;
  replica: string;
  /** Ids this clone had before `sync --fix-collision` gave it a new one: its sessions started under them are still its own. */
  formerReplicas?: readonly string[] | undefined;
}

/** The current session: --session, LOGBOOK_SESSION, the client binding, the newest active session of this replica. */
export function currentSession(state: SessionsState, input: CurrentSessionInput): Session {
  const found = findCurrentSession(state, input);
  if (found) return found;
  throw new LogbookError('NO_CURRENT_SESSION', 'no active session on this clone', {
    hint: 'start one with `logbook start --goal "…"`, or pass --session S (see `logbook list`)',
  });
}

export function findCurrentSession(state: SessionsState, input: CurrentSessionInput): Session | undefined {
  if (input.explicit) return resolveSession(state, input.explicit);
  if (input.envSession) return resolveSession(state, input.envSession);
  if (input.clientSession) {
    const bound = state.clientBindings.get(input.clientSession);
    if (bound) return state.sessions.get(bound);
  }
  // Newest by creation time, not by journal order: an imported session (old history, appended late) must not become current.
  let newest: SessionHeader | undefined;
  for (const s of sessionHeaders(state)) {
    if (s.status === 'active' && (s.replica === input.replica || input.formerReplicas?.includes(s.replica)) && (!newest || s.createdAt >= newest.createdAt)) newest = s;
  }
  return newest && state.sessions.get(newest.id);
}
