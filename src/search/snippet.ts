/** One line of an event's text around what the query matched, the match marked. Pure. */
import type { Clause } from './query.js';
import { tokenize, type Token } from './text.js';

export const MARK_OPEN = '**';
export const MARK_CLOSE = '**';

/** Spans of `text` the clauses matched: words a term is a prefix of, whole phrases. */
export function matchSpans(text: string, clauses: readonly Clause[]): Array<[number, number]> {
  const tokens = tokenize(text);
  const spans: Array<[number, number]> = [];
  for (const cl of clauses) {
    if (cl.kind === 'term') {
      for (const t of tokens) if (t.term.startsWith(cl.term)) spans.push([t.start, t.end]);
    } else {
      for (let i = 0; i + cl.terms.length <= tokens.length; i++) {
        if (cl.terms.every((w, k) => tokens[i + k]!.term === w)) spans.push([tokens[i]!.start, tokens[i + cl.terms.length - 1]!.end]);
      }
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/**
 * At most `width` characters of `text` (one line) around its first match,
 * cut at word boundaries, `…` where it was cut, each match in `**`.
 *
 * @example snippet('We chose the lock order A then B', parseQuery('lock')) // 'We chose the **lock** order A then B'
 */
export function snippet(text: string, clauses: readonly Clause[], width = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const spans = matchSpans(line, clauses);
  const first = spans[0] ?? [0, 0];
  let start = 0;
  let end = line.length;
  if (line.length > width) {
    start = Math.max(0, Math.min(first[0] - Math.floor(width / 3), line.length - width));
    end = Math.min(line.length, start + width);
    const words = tokenize(line);
    start = snapStart(words, start, first[0]);
    end = snapEnd(words, end, first[1]);
  }
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const [a, b] of spans) {
    if (b <= start || a >= end) continue;
    const s = Math.max(a, start);
    const e = Math.min(b, end);
    out += `${line.slice(at, s)}${MARK_OPEN}${line.slice(s, e)}${MARK_CLOSE}`;
    at = e;
  }
  out += line.slice(at, end).trimEnd();
  return end < line.length ? `${out.trimEnd()}…` : out;
}

/** Move a cut back to the start of the word it falls in (never past the match). */
function snapStart(words: Token[], at: number, limit: number): number {
  const w = words.find((t) => t.start < at && t.end > at);
  return w && w.start <= limit ? w.start : at;
}

/** Move a cut back to before the word it falls in, unless that word is the match. */
function snapEnd(words: Token[], at: number, limit: number): number {
  const w = words.find((t) => t.start < at && t.end > at);
  return w && w.start >= limit ? w.start : at;
}
