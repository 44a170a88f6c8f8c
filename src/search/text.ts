/**
 * What search reads of an event: its text, and the tokens of that text.
 * Pure: the index, the brute-force reference and the snippets all go
 * through these two functions, so they can never disagree on what a word is.
 */
import type { JournalEvent } from '../events.js';

const join = (parts: Array<string | undefined>): string =>
  [...new Set(parts.filter((p): p is string => Boolean(p && p.trim())))]
    .join(' — ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The searchable text of an event, on one line ('' when it has none): the
 * words people wrote (decisions with their rationale, discoveries with their
 * evidence, notes, summaries, messages), not machine fields (tool names,
 * transcript paths, clocks).
 */
export function eventText(e: JournalEvent): string {
  switch (e.type) {
    case 'session.started':
      return join([e.data.title, e.data.goal, ...e.data.taskIds]);
    case 'session.paused':
    case 'session.resumed':
    case 'session.checkpointed':
      return join([e.data.note]);
    case 'session.compacted':
      return join([e.data.summary]);
    case 'session.closed':
      return join([e.data.summary, e.data.reason, ...e.data.learnings]);
    case 'subsession.started':
      return join([e.data.name]);
    case 'subsession.ended':
      return join([e.data.summary]);
    case 'progress':
      return join([e.data.text, e.data.step]);
    case 'decision':
      return join([e.data.text, e.data.rationale, ...(e.data.options ?? [])]);
    case 'discovery':
      return join([e.data.text, e.data.evidence]);
    case 'blocker':
    case 'next':
    case 'message.sent':
      return join([e.data.text]);
    case 'blocker.resolved':
      // Its `text` repeats the blocker's, which the blocker event already makes findable.
      return join([e.data.note]);
    case 'context':
      return join([e.data.objective, e.data.summary, ...e.data.keyFacts, ...e.data.keyFiles]);
    case 'item.linked':
      return join([e.data.key, e.data.note]);
    case 'agent.finished':
      return join([e.data.result]);
    case 'commit.linked':
      return join([e.data.subject, ...e.data.files]);
    case 'state.set':
      return join([e.data.focus, ...(e.data.todo ?? []), ...(e.data.next ?? [])]);
    case 'items.migrated':
    case 'agent.started':
    case 'tool.used':
    case 'transcript.linked':
    case 'message.read':
    case 'redaction':
      return '';
    default: {
      const never: never = e;
      return never;
    }
  }
}

export interface Token {
  /** Lower-cased word. */
  term: string;
  /** Where it is in the original text (UTF-16 offsets). */
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;
/** A redaction placeholder (`[redacted:github-token]`, `[redacted]`) says nothing worth finding. */
const PLACEHOLDER = /\[redacted(?::[a-z0-9-]+)?\]/g;

/** Words are runs of letters and digits; everything else separates them. */
export function tokenize(text: string): Token[] {
  const masked = text.includes('[redacted') ? text.replace(PLACEHOLDER, (m) => ' '.repeat(m.length)) : text;
  const out: Token[] = [];
  for (const m of masked.matchAll(WORD)) out.push({ term: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length });
  return out;
}

/** Just the terms, for indexing. */
export function terms(text: string): string[] {
  const masked = text.includes('[redacted') ? text.replace(PLACEHOLDER, (m) => ' '.repeat(m.length)) : text;
  const out: string[] = [];
  for (const m of masked.matchAll(WORD)) out.push(m[0].toLowerCase());
  return out;
}
