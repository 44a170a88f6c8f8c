/**
 * `logbook search` as a library call: parse the query and filters, bring the
 * index up to the journal's tips, evaluate, and dress the best hits (session
 * short name, date, one line of text with the match marked). The CLI, the
 * MCP server and the HTTP API (`GET /api/search?q=`) all call `searchJournal`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LogbookError } from '../errors.js';
import { stableId, type EventType } from '../events.js';
import type { Journal } from '../journal.js';
import { resolveSession } from '../sessions.js';
import { GitStore } from '../store/git.js';
import type { SessionsState } from '../../projections/sessions.js';
import { openCorpus, searchDir } from './cache.js';
import type { Corpus, SessionEntry } from './corpus.js';
import { evaluate, type RawHit } from './evaluate.js';
import { SearchIndex } from './live.js';
import { parseDate, parseQuery, parseStatus, parseTypes, type Clause, type SearchFilters } from './query.js';
import { snippet } from './snippet.js';

export interface SearchOptions {
  /** Words (each also a prefix), "quoted phrases". */
  query: string;
  /** Event types (`decision`, `progress`, …); several are or-ed. */
  types?: string[];
  /** A session reference in any form `logbook` takes. */
  session?: string;
  actor?: string;
  agent?: string;
  /** `7d`, `2w`, `today`, an ISO date or date-time. */
  since?: string;
  until?: string;
  status?: string;
  /** Hits to return (default 20). */
  limit?: number;
}

export interface SearchHit {
  id: string;
  type: string;
  session: { id: string; stable: string; shortname: string } | undefined;
  /** ISO-8601 UTC. */
  at: string;
  actor: { name: string; email: string; agent?: string };
  score: number;
  /** One line around the match, the match in `**`. */
  snippet: string;
}

export interface SearchResult {
  query: string;
  /** Events that match (the hits are the best `limit` of them). */
  total: number;
  hits: SearchHit[];
}

export const DEFAULT_LIMIT = 20;

/** Where the index of this journal is cached: .git/logbook/cache/search/ for a git store, nowhere for another. */
const cacheOf = (journal: Journal): string | undefined => (journal.store instanceof GitStore ? searchDir(journal.store.gitdir) : undefined);

/** The index of this journal, up to date: from `index` (kept current by the journal's appends) when given, else loaded for this call. */
export function searchCorpus(journal: Journal, index?: SearchIndex): Promise<Corpus> {
  return index ? index.current() : openCorpus(journal.store, cacheOf(journal));
}

/** An index of `journal` that follows the appends of the journals it is given (serve, the MCP server, redact). */
export const searchIndexOf = (journal: Journal): SearchIndex => new SearchIndex(journal.store, cacheOf(journal));

/**
 * Run `write` (a redaction) and fold what it appends into the index, if one
 * exists, from the appended events themselves: the hidden text leaves the
 * cache at once rather than at the next search.
 */
export async function updatingSearchIndex<T>(journal: Journal, write: () => Promise<T>): Promise<T> {
  const dir = cacheOf(journal);
  if (!dir || !existsSync(path.join(dir, 'manifest.json'))) return write();
  const index = searchIndexOf(journal);
  const off = index.follow(journal);
  try {
    const result = await write();
    await index.current();
    return result;
  } finally {
    off();
  }
}

/** Parse everything the caller passed (clear errors for bad input), against the index's sessions. */
export function searchFilters(corpus: Corpus, options: Omit<SearchOptions, 'query' | 'limit'>, now: Date): SearchFilters {
  const f: SearchFilters = {};
  const types = parseTypes(options.types);
  if (types) f.types = types as EventType[];
  if (options.session !== undefined) f.sessions = [resolveIn(corpus, options.session)];
  if (options.actor !== undefined) f.actor = options.actor.trim();
  if (options.agent !== undefined) f.agent = options.agent.trim();
  if (options.since !== undefined) f.since = parseDate(options.since, now, 'since');
  if (options.until !== undefined) f.until = parseDate(options.until, now, 'until');
  const status = parseStatus(options.status);
  if (status) f.status = status;
  return f;
}

/** A session reference resolved as every command resolves it (SPEC 4), over the index's table of sessions. */
function resolveIn(corpus: Corpus, ref: string): string {
  const started = corpus.sessions.filter((s) => s.started);
  const headers = started.map((s) => ({ id: s.id, stable: stableId(s.id), suffix: s.id.slice(-4), shortname: s.shortname, status: s.closed ? 'closed' : 'open' }));
  const state = { sessions: new Map(headers.map((h) => [h.id, h])), order: headers.map((h) => h.id), clientBindings: new Map(), messages: [], actors: new Map() } as unknown as SessionsState;
  return resolveSession(state, ref).id;
}

/** The session entries of `hits`, in one pass over the table (thousands of sessions, a few hits). */
function sessionsOf(corpus: Corpus, hits: readonly RawHit[]): Map<string, SessionEntry> {
  const wanted = new Set(hits.map((h) => h.session));
  const out = new Map<string, SessionEntry>();
  for (const s of corpus.sessions) if (wanted.has(s.id) && !out.has(s.id)) out.set(s.id, s);
  return out;
}

export function dress(entries: ReadonlyMap<string, SessionEntry>, clauses: readonly Clause[], h: RawHit): SearchHit {
  const entry = h.session ? entries.get(h.session) : undefined;
  const actor = { name: h.actor.name, email: h.actor.email, ...(h.actor.agent ? { agent: h.actor.agent } : {}) };
  return {
    id: h.id,
    type: h.type,
    session: h.session ? { id: h.session, stable: stableId(h.session), shortname: entry?.shortname ?? '' } : undefined,
    at: new Date(h.at).toISOString(),
    actor,
    score: Math.round(h.score * 1000) / 1000,
    snippet: snippet(h.text, clauses),
  };
}

/**
 * Search every session of the journal.
 *
 * @example const { hits } = await searchJournal(journal, { query: '"lock order"', types: ['decision'], since: '2w' });
 */
export async function searchJournal(journal: Journal, options: SearchOptions, index?: SearchIndex): Promise<SearchResult> {
  const clauses = parseQuery(options.query);
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new LogbookError('INVALID_INPUT', `--limit must be a whole number of at least 1, got ${String(options.limit)}`, { hint: 'e.g. --limit 10' });
  }
  const corpus = await searchCorpus(journal, index);
  const filters = searchFilters(corpus, options, journal.now());
  const { total, hits } = evaluate(corpus, clauses, filters, limit);
  const entries = sessionsOf(corpus, hits);
  return { query: options.query, total, hits: hits.map((h) => dress(entries, clauses, h)) };
}
