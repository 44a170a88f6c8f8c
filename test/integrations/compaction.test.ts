/** joinsEpisode, the pure rule that decides which hook counts a compaction (compaction.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BURST_MS, COMPACTING_MS, DUPLICATE_MS, joinsEpisode, seenIn, summaryHash, type CompactionEpisode, type CompactionHook } from '../../src/integrations/compaction.js';

const HOOKS: CompactionHook[] = ['PreCompact', 'SessionStart', 'PostCompact'];

/** Feed hooks (name, time) through the rule the way hooks.ts does; returns how many compactions were counted. */
function count(arrivals: Array<[CompactionHook, number]>): number {
  let episode: CompactionEpisode | undefined;
  let n = 0;
  for (const [hook, t] of arrivals) {
    const iso = new Date(t).toISOString();
    if (joinsEpisode(episode, hook, t)) episode = { ...episode!, ...seenIn(episode!, hook, iso) };
    else {
      n++;
      episode = { session: 's', event: `e${n}`, trigger: 'auto', at: iso, ...seenIn({ seen: {} }, hook, iso) };
    }
  }
  return n;
}

const T0 = Date.parse('2026-03-01T10:00:00Z');

describe('joinsEpisode', () => {
  it('property: the hooks of one compaction, in any order, any subset, each possibly duplicated, seconds apart, count once', () => {
    fc.assert(
      fc.property(
        fc.subarray(HOOKS, { minLength: 1 }).chain((hooks) => fc.shuffledSubarray(hooks, { minLength: hooks.length, maxLength: hooks.length })),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 9_000 }),
        (order, dup, gap) => {
          const arrivals: Array<[CompactionHook, number]> = [];
          let t = T0;
          order.forEach((h, i) => {
            arrivals.push([h, (t += gap)]);
            if (dup[i]) arrivals.push([h, (t += 500)]);
          });
          expect(count(arrivals)).toBe(1);
        },
      ),
    );
  });

  it('property: k compactions far apart count k, whichever hooks each one sent', () => {
    fc.assert(
      fc.property(fc.array(fc.subarray(HOOKS, { minLength: 1 }), { minLength: 1, maxLength: 6 }), (compactions) => {
        const arrivals: Array<[CompactionHook, number]> = [];
        compactions.forEach((hooks, k) => hooks.forEach((h, i) => arrivals.push([h, T0 + k * (COMPACTING_MS + BURST_MS + DUPLICATE_MS) + i * 1000])));
        expect(count(arrivals)).toBe(compactions.length);
      }),
    );
  });

  it('property: compactions back to back, each PreCompact first (the client waits for it before compacting), seconds apart, count each once', () => {
    fc.assert(
      fc.property(
        // At least one hook after each PreCompact: a PreCompact right after a PreCompact alone is a retry, as far as anyone can tell.
        fc.array(fc.tuple(fc.shuffledSubarray(['SessionStart', 'PostCompact'] as CompactionHook[], { minLength: 1 }), fc.boolean()), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 5_000 }),
        (compactions, gap) => {
          const arrivals: Array<[CompactionHook, number]> = [];
          let t = T0;
          for (const [after, dup] of compactions) {
            for (const h of ['PreCompact' as CompactionHook, ...after]) {
              arrivals.push([h, (t += gap)]);
              if (dup) arrivals.push([h, (t += 200)]);
            }
          }
          expect(count(arrivals)).toBe(compactions.length);
        },
      ),
    );
  });

  it('a PostCompact with another summary is another compaction; with the same one, a duplicate', () => {
    const episode: CompactionEpisode = { session: 's', event: 'e1', trigger: 'auto', at: new Date(T0).toISOString(), seen: { PostCompact: new Date(T0).toISOString() }, summary: summaryHash('first') };
    expect(joinsEpisode(episode, 'PostCompact', T0 + 1000, summaryHash('first'))).toBe(true);
    expect(joinsEpisode(episode, 'PostCompact', T0 + 1000, summaryHash('second'))).toBe(false);
    expect(joinsEpisode(episode, 'PostCompact', T0 + 1000)).toBe(true); // no summary (Codex): nothing tells it apart
  });

  it('PreCompact waits out the compaction; the hooks after it come together', () => {
    expect(count([['PreCompact', T0], ['PostCompact', T0 + COMPACTING_MS - 1], ['SessionStart', T0 + COMPACTING_MS + 1000]])).toBe(1);
    expect(count([['PreCompact', T0], ['PostCompact', T0 + COMPACTING_MS + 1]])).toBe(2);
    expect(count([['PostCompact', T0], ['SessionStart', T0 + BURST_MS + 1]])).toBe(2);
    expect(count([['SessionStart', T0], ['PreCompact', T0 + DUPLICATE_MS + 1]])).toBe(2);
  });
});
