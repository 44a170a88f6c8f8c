/** User-tunable settings, from the environment or git config (`logbook.*`). */
import type { Journal } from './journal.js';
import { readGitConfig } from './repo.js';

export const DEFAULT_STALE_MS = 24 * 60 * 60 * 1000;

/** Parse `90s`, `30m`, `24h`, `7d` or plain milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}

/** Sessions without an event for this long are listed as stale: LOGBOOK_STALE_AFTER or logbook.staleAfter (default 24h). */
export function staleTimeoutMs(journal: Journal): number {
  const fromEnv = journal.env.LOGBOOK_STALE_AFTER;
  if (fromEnv && parseDuration(fromEnv) !== undefined) return parseDuration(fromEnv)!;
  if (journal.repo) {
    const v = readGitConfig(journal.repo.gitdir, journal.env)['logbook.staleafter'];
    if (v && parseDuration(v) !== undefined) return parseDuration(v)!;
  }
  return DEFAULT_STALE_MS;
}
