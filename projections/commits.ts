/**
 * Commits and sessions (SPEC 11): which session made each recorded commit,
 * what it replaced (amend, rebase, cherry-pick) and what became of it. A fold
 * over `commit.linked` events, plus pure renderers for `logbook commits` and
 * `logbook why`. Pure: no I/O.
 */
import { stableId, type Actor, type EventData, type JournalEvent } from '../src/events.js';
import { isoMinute as minute } from './time.js';

export type RewriteWhy = NonNullable<EventData<'commit.linked'>['why']>;

export interface CommitRecord {
  commit: string;
  /** Full id of the session that made it. */
  session: string;
  at: string;
  actor: Actor;
  subject: string;
  files: string[];
  patchId?: string;
  branch?: string;
  /** The commit this one replaced, and how. */
  replaces?: string;
  why?: RewriteWhy;
  /** The other commits one rewrite folded into this one (a squash or fixup), beside `replaces`. */
  alsoReplaces?: string[];
  /** Commits this one became (amended, rebased into, cherry-picked as), in the order recorded. */
  became: Array<{ commit: string; why: RewriteWhy; session: string }>;
}

export interface CommitsState {
  commits: Map<string, CommitRecord>;
  /** patch id -> commits with that patch, in the order recorded */
  byPatch: Map<string, string[]>;
  /** session id -> its commits, in the order recorded */
  bySession: Map<string, string[]>;
}

export const initialCommitsState = (): CommitsState => ({ commits: new Map(), byPatch: new Map(), bySession: new Map() });

const push = (map: Map<string, string[]>, key: string, value: string) => {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
};

/** An explicit rewrite (the post-rewrite hook: amend, rebase) says more than a cherry-pick inferred from a patch id. */
const rank = (why: RewriteWhy | undefined) => (why === undefined ? 0 : why === 'cherry-pick' ? 1 : 2);

/** Apply one event (mutates and returns `state`). The same commit recorded twice merges into one record. */
export function evolveCommits(state: CommitsState, e: JournalEvent): CommitsState {
  // Redaction hides a record's subject and files but keeps its ids (order.ts); an id that is not one is ignored.
  if (e.type !== 'commit.linked' || !e.session || !/^[0-9a-f]{40}/.test(e.data.commit)) return state;
  const d = e.data;
  let r = state.commits.get(d.commit);
  if (!r) {
    r = { commit: d.commit, session: e.session, at: e.at, actor: e.actor, subject: d.subject, files: d.files, became: [] };
    state.commits.set(d.commit, r);
    push(state.bySession, e.session, d.commit);
  }
  if (d.patchId && !r.patchId) {
    r.patchId = d.patchId;
    push(state.byPatch, d.patchId, d.commit);
  }
  if (d.branch && !r.branch) r.branch = d.branch;
  if (!r.files.length && d.files.length) r.files = d.files;
  if (d.replaces && d.why && r.replaces && r.why && d.replaces !== r.replaces && d.replaces !== d.commit && d.why === r.why && rank(d.why) === 2) {
    // A second commit the same kind of rewrite replaced with this one: a squash or fixup folded both in.
    if (!r.alsoReplaces?.includes(d.replaces)) r.alsoReplaces = [...(r.alsoReplaces ?? []), d.replaces];
    const old = state.commits.get(d.replaces);
    if (old && !old.became.some((b) => b.commit === d.commit)) old.became.push({ commit: d.commit, why: d.why, session: r.session });
  } else if (d.replaces && d.why && d.replaces !== d.commit && rank(d.why) >= rank(r.why)) {
    const previous = r.replaces ? state.commits.get(r.replaces) : undefined;
    if (previous && r.replaces !== d.replaces) previous.became = previous.became.filter((b) => b.commit !== d.commit);
    r.replaces = d.replaces;
    r.why = d.why;
    const old = state.commits.get(d.replaces);
    if (old) {
      const entry = old.became.find((b) => b.commit === d.commit);
      if (entry) entry.why = d.why;
      else old.became.push({ commit: d.commit, why: d.why, session: r.session });
    }
  }
  return state;
}

export function projectCommits(events: readonly JournalEvent[]): CommitsState {
  const state = initialCommitsState();
  for (const e of events) evolveCommits(state, e);
  return state;
}

/** A rewrite recorded before the commit it replaced arrived (another clone, out of order) is joined here. */
export function linkLateOrigins(state: CommitsState): void {
  for (const r of state.commits.values()) {
    if (!r.replaces || !r.why) continue;
    for (const replaced of [r.replaces, ...(r.alsoReplaces ?? [])]) {
      const old = state.commits.get(replaced);
      if (old && !old.became.some((b) => b.commit === r.commit)) old.became.push({ commit: r.commit, why: r.why, session: r.session });
    }
  }
}

/**
 * The fold as saved in the cache: one JSON array per line, so `why` can find
 * the few records it needs with a string search instead of parsing thousands.
 * `became` is not stored: it is rebuilt from `replaces` on load.
 */
export interface SerializedCommits {
  lines: string;
}

type Row = [commit: string, session: string, at: string, actor: Actor, subject: string, files: string[], patch: string, branch: string, replaces: string, why: string, also?: string[]];

function toRow(r: CommitRecord): Row {
  const row: Row = [r.commit, r.session, r.at, r.actor, r.subject, r.files, r.patchId ? `p:${r.patchId}` : '', r.branch ?? '', r.replaces ?? '', r.why ?? ''];
  if (r.alsoReplaces?.length) row.push(r.alsoReplaces);
  return row;
}

function fromRow(row: Row): CommitRecord {
  const [commit, session, at, actor, subject, files, patch, branch, replaces, why, also] = row;
  return {
    commit,
    session,
    at,
    actor,
    subject,
    files,
    ...(patch ? { patchId: patch.slice(2) } : {}),
    ...(branch ? { branch } : {}),
    ...(replaces && why ? { replaces, why: why as RewriteWhy, ...(also?.length ? { alsoReplaces: also } : {}) } : {}),
    became: [],
  };
}

export function serializeCommits(state: CommitsState): SerializedCommits {
  let lines = '';
  for (const r of state.commits.values()) lines += `\n${JSON.stringify(toRow(r))}`;
  return { lines: `${lines}\n` };
}

export function deserializeCommits(data: SerializedCommits): CommitsState {
  const state = initialCommitsState();
  for (const line of data.lines.split('\n')) {
    if (!line) continue;
    const r = fromRow(JSON.parse(line) as Row);
    state.commits.set(r.commit, r);
    push(state.bySession, r.session, r.commit);
    if (r.patchId) push(state.byPatch, r.patchId, r.commit);
  }
  linkLateOrigins(state);
  return state;
}

/** What `why` asks of the recorded commits: a record by id, and the commits with a patch id. */
export interface CommitLookup {
  get(commit: string): CommitRecord | undefined;
  /** Commits with this patch id, in the order recorded. */
  withPatch(patchId: string): string[];
  /** What `commit` was rewritten into (amend, rebase, cherry-pick), in the order recorded. */
  became(commit: string): CommitRecord['became'];
  /** A session's commits, in the order recorded. */
  forSession(session: string): CommitRecord[];
  readonly empty: boolean;
}

export function lookupOf(state: CommitsState): CommitLookup {
  return {
    get: (c) => state.commits.get(c),
    withPatch: (p) => state.byPatch.get(p) ?? [],
    became: (c) => state.commits.get(c)?.became ?? [],
    forSession: (id) => (state.bySession.get(id) ?? []).map((c) => state.commits.get(c)!),
    empty: state.commits.size === 0,
  };
}

/** A lookup straight on the saved lines: only the records asked for are parsed. */
export function linesLookup(data: SerializedCommits): CommitLookup {
  const text = data.lines;
  const lineAt = (pos: number) => {
    const start = text.lastIndexOf('\n', pos) + 1;
    return fromRow(JSON.parse(text.slice(start, text.indexOf('\n', pos))) as Row);
  };
  const scan = (needle: string, keep: (r: CommitRecord) => boolean): CommitRecord[] => {
    const out: CommitRecord[] = [];
    for (let pos = text.indexOf(needle); pos >= 0; pos = text.indexOf(needle, pos + needle.length)) {
      const r = lineAt(pos);
      if (keep(r) && !out.some((o) => o.commit === r.commit)) out.push(r);
    }
    return out;
  };
  return {
    // The replaced commit stands in the `replaces` column, or in the list of a squash's others.
    became: (commit) => scan(`"${commit}"`, (r) => r.replaces === commit || Boolean(r.alsoReplaces?.includes(commit))).map((r) => ({ commit: r.commit, why: r.why!, session: r.session })),
    forSession: (session) => scan(`","${session}","`, (r) => r.session === session),
    get(commit) {
      const pos = text.indexOf(`\n["${commit}"`);
      return pos < 0 ? undefined : lineAt(pos + 1);
    },
    withPatch(patchId) {
      const out: string[] = [];
      const needle = `"p:${patchId}"`;
      for (let pos = text.indexOf(needle); pos >= 0; pos = text.indexOf(needle, pos + needle.length)) out.push(lineAt(pos).commit);
      return out;
    },
    empty: text.trim() === '',
  };
}

const asLookup = (state: CommitsState | CommitLookup): CommitLookup => ('get' in state ? state : lookupOf(state));

/** The commits a session made, newest first. */
export function sessionCommits(state: CommitsState | CommitLookup, session: string): CommitRecord[] {
  return asLookup(state).forSession(session).reverse();
}

/** Every commit `commit` became, following rewrites of rewrites (amended, then rebased). */
export function fateOf(state: CommitsState | CommitLookup, commit: string): Array<{ commit: string; why: RewriteWhy; session: string; from: string }> {
  const lookup = asLookup(state);
  const out: Array<{ commit: string; why: RewriteWhy; session: string; from: string }> = [];
  const seen = new Set([commit]);
  const queue = [commit];
  while (queue.length) {
    const c = queue.shift()!;
    for (const b of lookup.became(c)) {
      if (seen.has(b.commit)) continue;
      seen.add(b.commit);
      out.push({ ...b, from: c });
      queue.push(b.commit);
    }
  }
  return out;
}

/** Every commit `commit` replaced, nearest first: amend of a rebase of a cherry-pick …, and each commit a squash folded in. */
export function originsOf(state: CommitsState | CommitLookup, commit: string): CommitRecord[] {
  const lookup = asLookup(state);
  const out: CommitRecord[] = [];
  const seen = new Set([commit]);
  // Breadth first: a squash replaced several commits, each with its own chain.
  const queue = [lookup.get(commit)];
  while (queue.length) {
    const r = queue.shift();
    for (const replaced of r?.replaces ? [r.replaces, ...(r.alsoReplaces ?? [])] : []) {
      if (seen.has(replaced)) continue;
      seen.add(replaced);
      const prev = lookup.get(replaced);
      if (!prev) continue;
      out.push(prev);
      queue.push(prev);
    }
  }
  return out;
}

export interface CommitView {
  commit: string;
  at: string;
  subject: string;
  branch?: string;
  patch_id?: string;
  files: string[];
  replaces?: { commit: string; why: RewriteWhy };
  became: Array<{ commit: string; why: RewriteWhy; session: string; from: string }>;
}

export function commitView(state: CommitsState | CommitLookup, r: CommitRecord): CommitView {
  return {
    commit: r.commit,
    at: r.at,
    subject: r.subject,
    ...(r.branch ? { branch: r.branch } : {}),
    ...(r.patchId ? { patch_id: r.patchId } : {}),
    files: r.files,
    ...(r.replaces && r.why ? { replaces: { commit: r.replaces, why: r.why } } : {}),
    became: fateOf(state, r.commit),
  };
}

const short = (c: string) => c.slice(0, 12);

function fateText(f: { commit: string; why: RewriteWhy; session: string }, own: string): string {
  const where = f.session === own ? '' : ` in ${stableId(f.session)}`;
  if (f.why === 'cherry-pick') return `cherry-picked as ${short(f.commit)}${where}`;
  return `${f.why === 'amend' ? 'amended' : 'rebased'} into ${short(f.commit)}${where}`;
}

/** One line per commit for `logbook commits` and the session file. */
/** Where a commit came from and what it became, as one phrase ("amend of …; cherry-picked as … in s_xxxx"), or undefined. */
export function commitNote(v: CommitView, session: string): string | undefined {
  const notes: string[] = [];
  if (v.replaces) notes.push(`${v.replaces.why === 'cherry-pick' ? 'cherry-pick' : v.replaces.why} of ${short(v.replaces.commit)}`);
  // Only what this commit itself became: the later steps of a chain show on those commits' own lines.
  for (const f of v.became.filter((b) => b.from === v.commit)) notes.push(fateText(f, session));
  return notes.length ? notes.join('; ') : undefined;
}

export function commitLines(views: readonly CommitView[], session: string): string[] {
  return views.map((v) => {
    const note = commitNote(v, session);
    return `- ${short(v.commit)} ${minute(v.at)}${v.branch ? ` [${v.branch}]` : ''} ${v.subject}${note ? ` — ${note}` : ''}`;
  });
}

/** `logbook commits` as text. */
export function renderCommits(session: { id: string; stable: string; shortname: string; title: string }, views: readonly CommitView[]): string {
  const head = `Commits of ${session.stable} (${session.shortname}): ${session.title}`;
  if (!views.length) return `${head}\nNo commits recorded. Install the git hooks with \`logbook hooks install --git\`; commits made while this session is open are recorded.\n`;
  return `${head}\n${commitLines(views, session.id).join('\n')}\n`;
}
