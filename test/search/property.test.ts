/**
 * The invariant that matters most: search over the cached index gives what a
 * plain scan over the events gives — hit for hit, score for score — for
 * random journals and queries, through appends, another replica's events
 * arriving (as a fetch brings them), redactions, and a damaged index; both
 * loaded per search and kept in memory from the journal's appends.
 */
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Draft, JournalEvent } from '../../src/events.js';
import { Journal } from '../../src/journal.js';
import { GitStore } from '../../src/store/git.js';
import { openCorpus, searchDir } from '../../src/search/cache.js';
import { evaluate, scan } from '../../src/search/evaluate.js';
import { SearchIndex } from '../../src/search/live.js';
import { parseQuery, type SearchFilters } from '../../src/search/query.js';
import { makeRepo } from '../helpers/repo.js';

const WORDS = ['lock', 'locking', 'order', 'sweep', 'sweeper', 'cache', 'cold', 'start', 'Ünïcode', 'task', '42', 'lo'];
const SESSIONS = ['20260102_1000_aaaa', '20260102_1100_bbbb'];

const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
const draft: fc.Arbitrary<Draft> = fc.oneof(
  fc.record({ s: fc.constantFrom(...SESSIONS), t: text, r: fc.option(text, { nil: undefined }) }).map(({ s, t, r }) => ({ type: 'decision', session: s, data: { text: t, ...(r ? { rationale: r } : {}) } }) as Draft),
  fc.record({ s: fc.constantFrom(...SESSIONS), t: text }).map(({ s, t }) => ({ type: 'progress', session: s, data: { text: t, status: 'done' } }) as Draft),
  fc.record({ s: fc.constantFrom(...SESSIONS), t: text }).map(({ s, t }) => ({ type: 'discovery', session: s, data: { text: t } }) as Draft),
  fc.record({ s: fc.constantFrom(...SESSIONS), t: text }).map(({ s, t }) => ({ type: 'next', session: s, data: { text: t } }) as Draft),
  fc.constantFrom(...SESSIONS).map((s) => ({ type: 'tool.used', session: s, data: { tool: 'Bash', success: true } }) as Draft),
  fc.constantFrom(...SESSIONS).map((s) => ({ type: 'session.closed', session: s, data: { outcome: 'completed', summary: 'lock order done', learnings: [], tasksCompleted: [] } }) as Draft),
);

type Step =
  | { kind: 'append'; drafts: Draft[] }
  | { kind: 'fetch'; drafts: Draft[] }
  | { kind: 'redact'; pick: number }
  | { kind: 'damage'; how: 'manifest' | 'garbage-manifest' | 'truncate' | 'flip' | 'delete-segment'; at: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.array(draft, { minLength: 1, maxLength: 4 }).map((drafts) => ({ kind: 'append', drafts }) as Step) },
  { weight: 2, arbitrary: fc.array(draft, { minLength: 1, maxLength: 6 }).map((drafts) => ({ kind: 'fetch', drafts }) as Step) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'redact', pick }) as Step) },
  { weight: 1, arbitrary: fc.record({ how: fc.constantFrom('manifest', 'garbage-manifest', 'truncate', 'flip', 'delete-segment'), at: fc.nat() }).map((d) => ({ kind: 'damage', ...d }) as Step) },
);

const query = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...WORDS).map((w) => w.slice(0, 2)),
  fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)).map(([a, b]) => `${a} ${b}`),
  fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)).map(([a, b]) => `"${a} ${b}"`),
  fc.constantFrom('task:42', 'unicode', '"lock"', 'lock lock', 'lo lock'),
);
const filters: fc.Arbitrary<SearchFilters> = fc.record(
  {
    types: fc.subarray(['decision', 'progress', 'discovery', 'next', 'session.closed'] as const, { minLength: 1 }).map((t) => [...t]),
    status: fc.constantFrom('open', 'closed') as fc.Arbitrary<'open' | 'closed'>,
    agent: fc.constantFrom('claude-code', 'codex'),
    sessions: fc.constantFrom(...SESSIONS).map((s) => [s]),
  },
  { requiredKeys: [] },
);

function damage(dir: string, how: Extract<Step, { kind: 'damage' }>['how'], at: number): void {
  const segments = (() => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.bin'));
    } catch {
      return [];
    }
  })();
  const seg = segments.length ? path.join(dir, segments[at % segments.length]!) : undefined;
  try {
    if (how === 'manifest') rmSync(path.join(dir, 'manifest.json'), { force: true });
    else if (how === 'garbage-manifest') writeFileSync(path.join(dir, 'manifest.json'), '{"version": ');
    else if (seg && how === 'truncate') truncateSync(seg, at % 200);
    else if (seg && how === 'delete-segment') rmSync(seg);
    else if (seg && how === 'flip') {
      const b = readFileSync(seg);
      const i = 8 + (at % Math.max(1, b.length - 8));
      b[i] = b[i]! ^ 0x5a;
      writeFileSync(seg, b);
    }
  } catch {
    /* nothing to damage yet */
  }
}

const view = (r: { total: number; hits: Array<{ id: string; score: number; text: string; session: string | undefined }> }) => ({
  total: r.total,
  hits: r.hits.map((h) => [h.id, h.score, h.text, h.session]),
});

describe('search over the cached index equals a scan over the events', () => {
  it('for random journals, queries and filters, through appends, fetches, redactions and damage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(query, filters), { minLength: 2, maxLength: 4 }), async (steps, queries) => {
        const repo = makeRepo();
        const gitdir = path.join(repo, '.git');
        let t = Date.UTC(2026, 0, 2, 10);
        const now = () => new Date((t += 60_000));
        const store = new GitStore(gitdir);
        const mine = new Journal({ store, replica: 'replicaaaaaa', actor: { name: 'Ada', email: 'ada@example.com', agent: 'claude-code' }, now });
        const other = new Journal({ store: new GitStore(gitdir), replica: 'replicabbbbb', actor: { name: 'Grace', email: 'grace@example.com', agent: 'codex' }, now });
        await mine.append(SESSIONS.map((s, i) => ({ type: 'session.started', session: s, data: { title: `${WORDS[i]} work`, shortname: `w${i}`, taskIds: [], meta: {} } })));
        const dir = searchDir(gitdir);
        // An index kept in memory as a long-lived face keeps it: told of `mine`'s appends, not of `other`'s (a fetch).
        const live = new SearchIndex(new GitStore(gitdir), dir);
        live.follow(mine);
        const check = async () => {
          const corpus = await openCorpus(new GitStore(gitdir), dir);
          const followed = await live.current();
          const { events } = await new GitStore(gitdir).read();
          for (const [q, f] of queries) {
            const clauses = parseQuery(q);
            const want = view(scan(events, clauses, f, 5));
            expect(view(evaluate(corpus, clauses, f, 5)), `${q} ${JSON.stringify(f)}`).toEqual(want);
            expect(view(evaluate(followed, clauses, f, 5)), `live: ${q} ${JSON.stringify(f)}`).toEqual(want);
          }
        };
        await check();
        for (const s of steps) {
          if (s.kind === 'append') await mine.append(s.drafts);
          else if (s.kind === 'fetch') await other.append(s.drafts);
          else if (s.kind === 'redact') {
            const { events } = await store.read();
            const targets = events.filter((e: JournalEvent) => e.type !== 'redaction');
            await mine.append([{ type: 'redaction', data: { event: targets[s.pick % targets.length]!.id } }]);
          } else damage(dir, s.how, s.at);
          await check();
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
