/** Ranking, phrases, prefixes, filters and snippets, on hand-built journals. */
import { describe, expect, it } from 'vitest';
import type { Draft, JournalEvent } from '../../src/events.js';
import { corpusOf } from '../../src/search/corpus.js';
import { evaluate, scan } from '../../src/search/evaluate.js';
import { parseDate, parseQuery, parseTypes, type SearchFilters } from '../../src/search/query.js';
import { snippet } from '../../src/search/snippet.js';
import { eventText, terms } from '../../src/search/text.js';
import { searchFilters } from '../../src/search/search.js';
import { ev } from '../helpers/events.js';

const S1 = '20260102_1000_aaaa';
const S2 = '20260103_1000_bbbb';
const start = (session: string, shortname: string): Draft => ({ type: 'session.started', session, data: { title: shortname, shortname, taskIds: [], meta: {} } });
const decision = (session: string, text: string, rationale?: string): Draft => ({ type: 'decision', session, data: { text, ...(rationale ? { rationale } : {}) } });
const progress = (session: string, text: string): Draft => ({ type: 'progress', session, data: { text, status: 'done' } });

function journal(): JournalEvent[] {
  return [
    ev(start(S1, 'lock-work')),
    ev(decision(S1, 'Take the lock before the check', 'the sweeper races otherwise')),
    ev(progress(S1, 'Sweeping now runs every five minutes')),
    ev({ type: 'discovery', session: S1, data: { text: 'Cache misses on cold start', evidence: 'trace shows order of lock acquisition' } }),
    ev({ type: 'session.closed', session: S1, data: { outcome: 'completed', summary: 'lock order fixed', learnings: [], tasksCompleted: [] } }),
    ev(start(S2, 'docs')),
    ev(progress(S2, 'Documented the lock order'), { actor: { name: 'Grace', email: 'grace@example.com', agent: 'claude-code' } }),
    ev({ type: 'item.linked', session: S2, data: { key: 'task:42', action: 'created', note: 'order docs' } }),
    ev({ type: 'tool.used', session: S2, data: { tool: 'Bash', success: true } }),
  ];
}

const label = (e: JournalEvent) => `${e.type}:${eventText(e).split(' ').slice(0, 3).join(' ')}`;
const ids = (events: JournalEvent[], q: string, f: SearchFilters = {}, limit = 20) => {
  const c = corpusOf(events, {});
  const got = evaluate(c, parseQuery(q), f, limit);
  const ref = scan(events, parseQuery(q), f, limit);
  expect(got.hits.map((h) => [h.id, h.score])).toEqual(ref.hits.map((h) => [h.id, h.score]));
  expect(got.total).toBe(ref.total);
  return got.hits.map((h) => label(events.find((e) => e.id === h.id)!));
};

describe('what is searchable', () => {
  it('takes the words people wrote, not machine fields', () => {
    const [, d, , disc] = journal();
    expect(eventText(d!)).toBe('Take the lock before the check — the sweeper races otherwise');
    expect(eventText(disc!)).toBe('Cache misses on cold start — trace shows order of lock acquisition');
    expect(eventText(journal()[8]!)).toBe('');
  });
  it('splits words on anything but letters and digits, case-insensitively, and skips redaction placeholders', () => {
    expect(terms('Lock-ORDER in s_pjcc, café: ok [redacted:github-token] 42')).toEqual(['lock', 'order', 'in', 's', 'pjcc', 'café', 'ok', '42']);
  });
});

describe('ranking', () => {
  it('ranks by BM25: the rarer word and the shorter text first; an exact word before a prefix match', () => {
    const events = journal();
    expect(ids(events, 'lock')).toEqual([
      'session.started:lock-work',
      'session.closed:lock order fixed',
      'progress:Documented the lock',
      'decision:Take the lock',
      'discovery:Cache misses on',
    ]);
    // "sweep" is a prefix of both "sweeper" and "sweeping": both found, each at half weight.
    expect(ids(events, 'sweep')).toEqual(['progress:Sweeping now runs', 'decision:Take the lock']);
  });
  it('breaks ties by recency, then id', () => {
    const a = ev(progress(S1, 'same words here'), { at: '2026-01-01T00:00:00.000Z' });
    const b = ev(progress(S1, 'same words here'), { at: '2026-01-05T00:00:00.000Z' });
    const c = corpusOf([a, b], {});
    expect(evaluate(c, parseQuery('same'), {}, 5).hits.map((h) => h.id)).toEqual([b.id, a.id]);
  });
  it('needs every word (AND)', () => {
    expect(ids(journal(), 'lock sweeper')).toEqual(['decision:Take the lock']);
    expect(ids(journal(), 'lock nothing')).toEqual([]);
  });
});

describe('phrases and prefixes', () => {
  it('a quoted phrase needs its words next to each other, exactly', () => {
    expect(ids(journal(), '"lock order"')).toEqual(['session.closed:lock order fixed', 'progress:Documented the lock']);
    expect(ids(journal(), '"order lock"')).toEqual([]);
    // A quoted single word is exact: no prefix.
    expect(ids(journal(), '"sweep"')).toEqual([]);
  });
  it('a word with punctuation inside is a phrase of its parts', () => {
    expect(parseQuery('task:42 lock')).toEqual([{ kind: 'phrase', terms: ['task', '42'] }, { kind: 'term', term: 'lock' }]);
    expect(ids(journal(), 'task:42')).toEqual(['item.linked:task:42 — order']);
  });
  it('refuses a query with no word', () => {
    expect(() => parseQuery(' "" -- ')).toThrow(/no word to search for/);
  });
});

describe('filters', () => {
  const events = journal();
  const c = corpusOf(events, {});
  const now = new Date('2026-01-10T00:00:00Z');
  it('by type, session, actor, agent, status', () => {
    expect(ids(events, 'lock', { types: parseTypes(['decision', 'progress'])! })).toEqual(['progress:Documented the lock', 'decision:Take the lock']);
    expect(ids(events, 'lock', searchFilters(c, { session: 'docs' }, now))).toEqual(['progress:Documented the lock']);
    expect(ids(events, 'lock', searchFilters(c, { session: 's_aaaa' }, now))).toHaveLength(4);
    expect(ids(events, 'lock', { actor: 'GRACE@example.com' })).toEqual(['progress:Documented the lock']);
    expect(ids(events, 'lock', { agent: 'claude-code' })).toEqual(['progress:Documented the lock']);
    expect(ids(events, 'lock', { status: 'open' })).toEqual(['progress:Documented the lock']);
    expect(ids(events, 'lock', { status: 'closed' })).toHaveLength(4);
    expect(() => parseTypes(['decisions'])).toThrow(/unknown event type "decisions"/);
    expect(() => searchFilters(c, { session: 'nope' }, now)).toThrow(/no session matches "nope"/);
    expect(() => searchFilters(c, { status: 'done' }, now)).toThrow(/--status must be open or closed/);
  });
  it('by date: ISO dates (whole days), date-times, and ages', () => {
    const e = [ev(progress(S1, 'alpha one'), { at: '2026-01-01T12:00:00.000Z' }), ev(progress(S1, 'alpha two'), { at: '2026-01-08T12:00:00.000Z' })];
    expect(ids(e, 'alpha', { since: parseDate('7d', now, 'since') })).toEqual(['progress:alpha two']);
    expect(ids(e, 'alpha', { until: parseDate('2026-01-01', now, 'until') })).toEqual(['progress:alpha one']);
    expect(ids(e, 'alpha', { since: parseDate('2026-01-08T12:00', now, 'since') })).toEqual(['progress:alpha two']);
    expect(ids(e, 'alpha', { since: parseDate('2w', now, 'since'), until: parseDate('1w', now, 'until') })).toEqual(['progress:alpha one']);
    expect(parseDate('yesterday', now, 'since')).toBe(Date.parse('2026-01-09T00:00:00Z'));
    expect(() => parseDate('last tuesday', now, 'since')).toThrow(/--since must be a date/);
  });
});

describe('snippets', () => {
  it('marks every match on one line', () => {
    expect(snippet('Take the lock before the check — the sweeper races otherwise', parseQuery('lock sweep'))).toBe('Take the **lock** before the check — the **sweeper** races otherwise');
    expect(snippet('lock order\nis fixed', parseQuery('"lock order"'))).toBe('**lock order** is fixed');
  });
  it('cuts a long text around the first match, at word boundaries', () => {
    const long = `${'alpha beta gamma delta '.repeat(10)}the needle is here ${'omega psi chi phi '.repeat(10)}`;
    const s = snippet(long, parseQuery('needle'), 60);
    expect(s).toMatchInlineSnapshot(`"…beta gamma delta the **needle** is here omega psi chi phi omega…"`);
    expect(s.length).toBeLessThanOrEqual(60 + 6);
  });
});
