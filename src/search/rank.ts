/**
 * BM25 scoring, shared by the index and the brute-force reference so that
 * both add the same numbers in the same order and agree to the last bit.
 */
export const K1 = 1.2;
export const B = 0.75;
/** A word found only as a prefix of the query's (`sweep` in `sweeper`) counts half. */
export const PREFIX_WEIGHT = 0.5;

export interface CorpusStats {
  /** Documents (indexed events). */
  n: number;
  /** Sum of their lengths in words. */
  totalLength: number;
}

export function idf(stats: CorpusStats, df: number): number {
  return Math.log(1 + (stats.n - df + 0.5) / (df + 0.5));
}

export const averageLength = (stats: CorpusStats): number => (stats.n ? stats.totalLength / stats.n : 1);

/**
 * One term's contribution to one document. The index's inner loop writes
 * this expression out inline (evaluate.ts); the two must stay the same.
 */
export function termScore(stats: CorpusStats, df: number, tf: number, length: number, weight: number): number {
  const avg = averageLength(stats);
  const w = weight * idf(stats, df);
  return w * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avg)));
}

/** Results in rank order: score, then the most recent, then the later id. */
export function compareHits(a: { score: number; at: number; id: string }, b: { score: number; at: number; id: string }): number {
  return b.score - a.score || b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
