/**
 * `logbook doctor`'s look at the search index: it must hold exactly the text
 * of the events it says it covers, and never a hidden event's text. The
 * index is disposable, so anything wrong is a warning that `--repair` (or
 * simply the next search) deals with by rebuilding it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { JournalEvent } from '../events.js';
import { prepare } from '../../projections/order.js';
import { loadCorpus, searchDir } from './cache.js';
import { DamagedIndex } from './corpus.js';
import { docsOf } from './segment.js';
import { eventText } from './text.js';

export interface SearchIndexFinding {
  check: 'search';
  code: 'search-index-corrupt' | 'search-index-mismatch' | 'search-index-hidden-text';
  severity: 'warning';
  message: string;
  hint: string;
  fixable: true;
}

const HINT = 'the index is disposable: the next `logbook search` rebuilds it, or `logbook doctor --repair` drops it now';

/**
 * Check the index of the repository at `gitdir` against `events` (every
 * readable event on the refs) and the current `tips`.
 */
export function checkSearchIndex({ gitdir, events, tips }: { gitdir: string; events: readonly JournalEvent[]; tips: Record<string, string> }): SearchIndexFinding[] {
  const dir = searchDir(gitdir);
  if (!existsSync(path.join(dir, 'manifest.json'))) return [];
  const finding = (code: SearchIndexFinding['code'], message: string): SearchIndexFinding[] => [{ check: 'search', code, severity: 'warning', message, hint: HINT, fixable: true }];
  const corpus = loadCorpus(dir);
  if (!corpus) return finding('search-index-corrupt', 'the search index manifest is damaged or of another format');
  const ordered = prepare(events);
  const hidden = new Set(ordered.filter((e) => e.type === 'redaction').map((e) => (e.data as { event: string }).event));
  const expected = new Map(ordered.filter((e) => !hidden.has(e.id)).map((e) => [e.id, eventText(e)] as const).filter(([, t]) => t));
  const current = Object.keys(tips).length === Object.keys(corpus.tips).length && Object.entries(tips).every(([r, t]) => corpus.tips[r] === t);
  let indexed = 0;
  for (const ref of corpus.segments) {
    let s;
    try {
      s = ref.get();
    } catch (e) {
      if (e instanceof DamagedIndex) return finding('search-index-corrupt', `the search index is damaged: ${e.message}`);
      throw e;
    }
    for (const { id, text } of docsOf(s)) {
      // A redaction newer than the index is dealt with by its next update (a redaction made here updates it at once).
      if (hidden.has(id)) {
        if (current) return finding('search-index-hidden-text', `the search index still holds the text of redacted event ${id}`);
        continue;
      }
      const want = expected.get(id);
      if (want !== text) return finding('search-index-mismatch', want === undefined ? `the search index holds event ${id}, which the journal does not (or which has no text)` : `the search index holds other text for event ${id} than the journal`);
      indexed++;
    }
  }
  if (current && indexed !== expected.size) return finding('search-index-mismatch', `the search index holds ${indexed} events with text, the journal ${expected.size}`);
  return [];
}
