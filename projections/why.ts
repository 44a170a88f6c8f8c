/**
 * The answer of `logbook why`: per session that produced the blamed lines, its
 * title, agent and actor, dates, the commits, and the decisions, discoveries,
 * blockers and `file:` items that concern the path, most relevant first. Pure.
 */
import { stableId, type Actor } from '../src/events.js';
import type { CommitRecord } from './commits.js';
import type { ItemsState } from './items.js';
import type { Session } from './sessions.js';
import { minute } from './time.js';

export interface BlamedCommit {
  commit: string;
  lines: number[];
  subject: string;
  author: string;
  at?: string;
  /** recorded: made in a session; rewritten: a recorded amend/rebase/cherry-pick; patch-id: same patch as a recorded commit; unrecorded; uncommitted */
  how: 'recorded' | 'rewritten' | 'patch-id' | 'unrecorded' | 'uncommitted';
  record?: CommitRecord;
  /** The recorded commits `record` replaced, newest first. */
  origins?: CommitRecord[];
}

export type Concern = 'linked' | 'mentions the file' | 'around the commit';

export interface WhyEntry {
  kind: 'decision' | 'discovery' | 'blocker' | 'file';
  id?: string;
  at: string;
  text: string;
  rationale?: string;
  resolved?: boolean;
  concern: Concern;
}

export interface WhySession {
  id: string;
  stable: string;
  shortname?: string;
  title?: string;
  status?: string;
  actor: { name: string; email: string };
  agent?: string;
  started?: string;
  ended?: string;
  /** Lines of the path this session's commits explain. */
  lines: number[];
  commits: Array<{ commit: string; subject: string; lines: number[]; how: string; recorded_as?: string }>;
  entries: WhyEntry[];
  /** The session is known by its commits only (not synced to this clone yet). */
  missing?: boolean;
}

export interface WhyView {
  path: string;
  range?: { start: number; end: number };
  sessions: WhySession[];
  /** Blamed lines no recorded commit explains. */
  unexplained: Array<{ commit: string; subject: string; author: string; lines: number[]; uncommitted: boolean }>;
}

/** Minutes before a commit (and after) in which a log entry is taken to be about it. */
const BEFORE_MS = 30 * 60_000;
const AFTER_MS = 5 * 60_000;

const ms = (iso: string) => Date.parse(iso);

function howText(b: BlamedCommit, r: CommitRecord): string {
  if (b.how === 'patch-id') return `same patch as ${r.commit.slice(0, 12)}`;
  if (b.how === 'rewritten' && r.why && r.replaces) return `${r.why} of ${r.replaces.slice(0, 12)}`;
  return 'recorded';
}

export function whyView(input: { path: string; range?: { start: number; end: number }; blamed: readonly BlamedCommit[]; sessionOf: (id: string) => Session | undefined; items: ItemsState }): WhyView {
  const base = input.path.split('/').pop() ?? input.path;
  const bySession = new Map<string, { s: WhySession; times: number[] }>();
  const unexplained: WhyView['unexplained'] = [];
  const add = (sessionId: string, actor: Actor, b: BlamedCommit, commit: CommitRecord, how: string) => {
    let g = bySession.get(sessionId);
    if (!g) {
      const s = input.sessionOf(sessionId);
      const agent = actor.agent ?? s?.startedBy.agent;
      const ws: WhySession = {
        id: sessionId,
        stable: stableId(sessionId),
        actor: { name: actor.name, email: actor.email },
        ...(agent ? { agent } : {}),
        lines: [],
        commits: [],
        entries: [],
      };
      if (s) Object.assign(ws, { shortname: s.shortname, title: s.title, status: s.status, started: s.createdAt, ...(s.closed ? { ended: s.closed.at } : {}) });
      else ws.missing = true;
      g = { s: ws, times: [] };
      bySession.set(sessionId, g);
    }
    for (const l of b.lines) if (!g.s.lines.includes(l)) g.s.lines.push(l);
    if (!g.s.commits.some((c) => c.commit === b.commit && c.recorded_as === commit.commit)) {
      g.s.commits.push({ commit: b.commit, subject: b.subject || commit.subject, lines: b.lines, how, ...(commit.commit !== b.commit ? { recorded_as: commit.commit } : {}) });
    }
    g.times.push(ms(commit.at));
  };
  for (const b of input.blamed) {
    if (!b.record) {
      unexplained.push({ commit: b.commit, subject: b.subject, author: b.author, lines: b.lines, uncommitted: b.how === 'uncommitted' });
      continue;
    }
    add(b.record.session, b.record.actor, b, b.record, howText(b, b.record));
    // Where the change was first written: the sessions of the commits it was rewritten from.
    for (const o of b.origins ?? []) if (o.session !== b.record.session) add(o.session, o.actor, b, o, `written as ${o.commit.slice(0, 12)}`);
  }
  for (const [id, g] of bySession) {
    const s = input.sessionOf(id);
    if (!s) continue;
    g.s.entries = entriesFor(s, input.items, input.path, base, g.times);
  }
  // Stable sort: on a tie the session whose commit is blamed comes before the sessions it was rewritten from.
  const sessions = [...bySession.values()].map((g) => g.s).sort((a, b) => b.lines.length - a.lines.length);
  for (const s of sessions) s.lines.sort((a, b) => a - b);
  return { path: input.path, ...(input.range ? { range: input.range } : {}), sessions, unexplained };
}

function entriesFor(s: Session, items: ItemsState, rel: string, base: string, times: number[]): WhyEntry[] {
  const named = base.length >= 3 ? new RegExp(`(^|[^\\w.-])${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`) : undefined;
  const mentions = (text: string) => text.includes(rel) || Boolean(named?.test(text));
  const near = (at: string) => {
    const t = ms(at);
    return times.some((c) => t >= c - BEFORE_MS && t <= c + AFTER_MS);
  };
  const distance = (at: string) => Math.min(...times.map((c) => Math.abs(ms(at) - c)));
  const out: Array<WhyEntry & { score: number }> = [];
  const consider = (e: Omit<WhyEntry, 'concern'>, linked = false) => {
    const concern: Concern | undefined = linked ? 'linked' : mentions(`${e.text} ${e.rationale ?? ''}`) ? 'mentions the file' : near(e.at) ? 'around the commit' : undefined;
    if (!concern) return;
    out.push({ ...e, concern, score: concern === 'around the commit' ? 1 : 2 });
  };
  for (const d of s.decisions) if (!d.supersededBy) consider({ kind: 'decision', id: d.id, at: d.at, text: d.text, ...(d.rationale ? { rationale: d.rationale } : {}) });
  for (const d of s.discoveries) consider({ kind: 'discovery', id: d.id, at: d.at, text: d.text });
  for (const b of s.blockers) consider({ kind: 'blocker', id: b.id, at: b.at, text: b.text, resolved: Boolean(b.resolvedAt) });
  for (const i of items.items.values()) {
    if (i.type !== 'file') continue;
    const file = i.key.slice(5);
    if (file !== rel && !rel.endsWith(`/${file}`) && !file.endsWith(`/${rel}`)) continue;
    for (const h of i.history) {
      if (h.session !== s.stable || h.action === 'migrated') continue;
      consider({ kind: 'file', at: h.at, text: `${i.key} ${h.action}${h.note ? `: ${h.note}` : ''}` }, true);
    }
  }
  // Most relevant first: linked to the file or naming it, then by closeness to the commits; decisions before the rest on a tie.
  const kindRank = { decision: 0, file: 1, discovery: 2, blocker: 3 } as const;
  return out
    .sort((a, b) => b.score - a.score || distance(a.at) - distance(b.at) || kindRank[a.kind] - kindRank[b.kind] || a.at.localeCompare(b.at))
    .map(({ score: _score, ...e }) => e);
}

const lineRanges = (lines: readonly number[]): string => {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(', ');
};

/** `logbook why` as text. */
export function renderWhy(v: WhyView): string {
  const what = `${v.path}${v.range ? `:${v.range.start}${v.range.end !== v.range.start ? `-${v.range.end}` : ''}` : ''}`;
  const out: string[] = [];
  if (!v.sessions.length) out.push(`${what}: no recorded session explains these lines.`);
  for (const s of v.sessions) {
    const who = `${s.agent ? `${s.agent} for ` : ''}${s.actor.name} <${s.actor.email}>`;
    const title = s.missing ? `${s.stable} (not on this clone yet: run \`logbook sync\`)` : `${s.stable} ${s.shortname} — ${s.title}`;
    out.push(`## ${title}`);
    out.push(`${who} · ${s.started ? `started ${minute(s.started)}` : ''}${s.ended ? ` · ended ${minute(s.ended)}` : s.status ? ` · ${s.status}` : ''}`);
    out.push(`Lines ${lineRanges(s.lines)} of ${v.path}`);
    for (const c of s.commits) out.push(`- commit ${c.commit.slice(0, 12)} ${c.subject} (${c.how}; lines ${lineRanges(c.lines)})`);
    if (s.entries.length) {
      out.push('');
      for (const e of s.entries) {
        const extra = e.rationale ? ` — ${e.rationale}` : e.kind === 'blocker' ? (e.resolved ? ' (resolved)' : ' (open)') : '';
        out.push(`- ${e.kind}: ${e.text}${extra} [${e.concern}, ${minute(e.at)}]`);
      }
    }
    out.push('');
  }
  const unexplained = v.unexplained.filter((u) => !u.uncommitted);
  if (unexplained.length) {
    out.push('Not recorded by any session:');
    for (const u of unexplained) out.push(`- ${u.commit.slice(0, 12)} ${u.subject} (${u.author}; lines ${lineRanges([...u.lines].sort((a, b) => a - b))})`);
  }
  const local = v.unexplained.filter((u) => u.uncommitted);
  if (local.length) out.push(`Not committed yet: lines ${lineRanges(local.flatMap((u) => u.lines).sort((a, b) => a - b))}`);
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
