import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitView, deserializeCommits, linesLookup, evolveCommits, fateOf, linkLateOrigins, originsOf, projectCommits, renderCommits, serializeCommits, sessionCommits } from '../../projections/commits.js';
import { projectItems } from '../../projections/items.js';
import { prepare } from '../../projections/order.js';
import { projectSessions } from '../../projections/sessions.js';
import { renderWhy, whyView } from '../../projections/why.js';
import { Story } from '../helpers/story.js';

const A = '20260102_1000_aaaa';
const B = '20260102_1100_bbbb';
const c = (n: number) => String(n).repeat(40).slice(0, 40);

function story() {
  const s = new Story();
  s.start(A, 'cache', { title: 'Write the cache' });
  s.add('decision', A, { text: 'LRU eviction in cache.ts', rationale: 'bounded memory' });
  s.add('discovery', A, { text: 'Hit rate is 80%' });
  s.add('commit.linked', A, { commit: c(1), patchId: 'p1', branch: 'feature', subject: 'add cache', files: ['cache.ts'] });
  s.add('commit.linked', A, { commit: c(2), patchId: 'p1', branch: 'feature', subject: 'add cache!', files: ['cache.ts'], replaces: c(1), why: 'amend' });
  s.add('blocker', A, { text: 'unrelated and much later' }, { minutes: 120 });
  s.start(B, 'release', { title: 'Release prep' });
  s.add('commit.linked', B, { commit: c(3), patchId: 'p1', branch: 'release', subject: 'add cache!', files: ['cache.ts'], replaces: c(2), why: 'cherry-pick' });
  return s;
}

describe('commits projection', () => {
  it("follows amend then cherry-pick: each commit's fate and origins, newest first per session", () => {
    const state = projectCommits(story().events);
    expect(fateOf(state, c(1)).map((f) => [f.commit, f.why, f.session])).toEqual([
      [c(2), 'amend', A],
      [c(3), 'cherry-pick', B],
    ]);
    expect(originsOf(state, c(3)).map((r) => r.commit)).toEqual([c(2), c(1)]);
    const views = sessionCommits(state, A).map((r) => commitView(state, r));
    expect(renderCommits({ id: A, stable: 's_aaaa', shortname: 'cache', title: 'Write the cache' }, views)).toMatchInlineSnapshot(`
      "Commits of s_aaaa (cache): Write the cache
      - 222222222222 2026-01-02T10:05 [feature] add cache! — amend of 111111111111; cherry-picked as 333333333333 in s_bbbb
      - 111111111111 2026-01-02T10:04 [feature] add cache — amended into 222222222222
      "
    `);
  });

  it('an explicit rewrite (amend) wins over a cherry-pick guessed from the patch id, whichever is recorded first', () => {
    const s = new Story();
    s.start(A, 'a');
    s.add('commit.linked', A, { commit: c(1), patchId: 'p', subject: 'x', files: [] });
    s.add('commit.linked', A, { commit: c(2), patchId: 'p', subject: 'x', files: [], replaces: c(1), why: 'cherry-pick' });
    s.add('commit.linked', A, { commit: c(2), patchId: 'p', subject: 'x', files: [], replaces: c(1), why: 'amend' });
    s.add('commit.linked', A, { commit: c(2), patchId: 'p', subject: 'x', files: [], replaces: c(1), why: 'cherry-pick' });
    const state = projectCommits(s.events);
    expect(state.commits.get(c(2))).toMatchObject({ replaces: c(1), why: 'amend' });
    expect(state.commits.get(c(1))!.became).toEqual([{ commit: c(2), why: 'amend', session: A }]);
    expect(state.bySession.get(A)).toEqual([c(1), c(2)]);
  });

  it('a redacted record keeps its commit ids and loses its subject and files', () => {
    const s = new Story();
    s.start(A, 'a');
    const e = s.add('commit.linked', A, { commit: c(1), patchId: 'p', subject: 'token=abc', files: ['secret.txt'] });
    s.add('redaction', A, { event: e.id });
    const r = projectCommits(prepare(s.events)).commits.get(c(1))!;
    expect(r).toMatchObject({ commit: c(1), patchId: 'p', subject: '[redacted]', files: ['[redacted]'] });
  });

  it('the cached fold (any prefix, serialised, then the rest) equals the fold from scratch', () => {
    const events = story().events;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: events.length }), fc.shuffledSubarray(events, { minLength: events.length }), (k, shuffled) => {
        const ordered = prepare(shuffled);
        const whole = projectCommits(ordered);
        linkLateOrigins(whole);
        const first = projectCommits(ordered.slice(0, k));
        const resumed = deserializeCommits(JSON.parse(JSON.stringify(serializeCommits(first))));
        for (const e of ordered.slice(k)) evolveCommits(resumed, e);
        linkLateOrigins(resumed);
        expect(serializeCommits(resumed)).toEqual(serializeCommits(whole));
        const views = (st: typeof whole) => [...st.commits.values()].map((r) => commitView(st, r));
        expect(views(deserializeCommits(serializeCommits(resumed)))).toEqual(views(whole));
        // The lookup on the saved lines answers as the fold does.
        const lines = linesLookup(serializeCommits(whole));
        for (const r of whole.commits.values()) expect(lines.get(r.commit)).toEqual({ ...r, became: [] });
        expect(lines.withPatch('p1')).toEqual(whole.byPatch.get('p1') ?? []);
        expect(lines.get(c(9))).toBeUndefined();
        for (const r of whole.commits.values()) expect(commitView(lines, lines.get(r.commit)!)).toEqual(commitView(whole, r));
        for (const id of [A, B]) expect(sessionCommits(lines, id).map((r) => r.commit)).toEqual(sessionCommits(whole, id).map((r) => r.commit));
      }),
    );
  });
});

describe('why view', () => {
  it('names the committing session first, then where the change was written, with what concerns the file most relevant first', () => {
    const s = story();
    const state = projectCommits(s.events);
    const sessions = projectSessions(s.events);
    const record = state.commits.get(c(3))!;
    const view = whyView({
      path: 'src/cache.ts',
      range: { start: 1, end: 2 },
      blamed: [{ commit: c(3), lines: [1, 2], subject: 'add cache!', author: 'Ada', how: 'rewritten', record, origins: originsOf(state, c(3)) }],
      sessionOf: (id) => sessions.sessions.get(id),
      items: projectItems(s.events),
    });
    expect(view.sessions.map((x) => x.id)).toEqual([B, A]);
    expect(renderWhy(view)).toMatchInlineSnapshot(`
      "## s_bbbb release — Release prep
      Ada <ada@example.com> · started 2026-01-02 12:06 · active
      Lines 1-2 of src/cache.ts
      - commit 333333333333 add cache! (cherry-pick of 222222222222; lines 1-2)

      ## s_aaaa cache — Write the cache
      Ada <ada@example.com> · started 2026-01-02 10:01 · active
      Lines 1-2 of src/cache.ts
      - commit 333333333333 add cache! (written as 222222222222; lines 1-2)
      - commit 333333333333 add cache! (written as 111111111111; lines 1-2)

      - decision: LRU eviction in cache.ts — bounded memory [mentions the file, 2026-01-02 10:02]
      - discovery: Hit rate is 80% [around the commit, 2026-01-02 10:03]
      "
    `);
  });
});
