/** User-tunable settings, from the environment or git config (`logbook.*`). */
import { LogbookError } from './errors.js';
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

const DURATION_FORMS = 'a number with a unit: 90s, 30m, 24h, 7d (or plain milliseconds, 500ms)';

/**
 * Sessions without an event for this long are listed as stale: LOGBOOK_STALE_AFTER or
 * logbook.staleAfter (default 24h). A value that is not a duration is an error, not ignored.
 */
export function staleTimeoutMs(journal: Journal): number {
  const fromEnv = journal.env.LOGBOOK_STALE_AFTER;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return durationSetting(fromEnv, 'LOGBOOK_STALE_AFTER', 'unset it (default 24h) or set');
  if (journal.repo) {
    const v = readGitConfig(journal.repo.gitdir, journal.env)['logbook.staleafter'];
    if (v !== undefined && v.trim() !== '') return durationSetting(v, 'git config logbook.staleAfter', 'fix it with `git config logbook.staleAfter 24h`, or remove it; accepted:');
  }
  return DEFAULT_STALE_MS;
}

function durationSetting(value: string, where: string, todo: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    throw new LogbookError('INVALID_INPUT', `${where}=${JSON.stringify(value)} is not a duration`, { hint: `${todo} ${DURATION_FORMS}` });
  }
  return ms;
}
