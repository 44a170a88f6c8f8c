/**
 * Limits on what one event may carry. A journal is read on every command and
 * pushed to every clone, so a runaway value (a pasted log, a binary file on
 * stdin) is refused with a clear error instead of being stored or silently
 * cut. Pure: no I/O.
 */
import { LogbookError } from './errors.js';
import type { Draft } from './events.js';

/** The most one text field of an event may hold, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 64 * 1024;

const utf8 = new TextEncoder();

function byteLength(text: string): number {
  // Cheap upper bound first: a UTF-16 code unit is at most 3 UTF-8 bytes.
  return text.length * 3 <= MAX_TEXT_BYTES ? text.length : utf8.encode(text).length;
}

function human(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function check(value: unknown, where: string): unknown {
  if (typeof value === 'string') {
    const bytes = byteLength(value);
    if (bytes > MAX_TEXT_BYTES) {
      throw new LogbookError('INVALID_INPUT', `${where} is ${human(bytes)} (${bytes} bytes); one journal entry holds at most ${human(MAX_TEXT_BYTES)}`, {
        hint: 'log a short summary instead, and keep the long text in a file you link with `logbook link file:PATH`',
        data: { field: where, bytes, limit: MAX_TEXT_BYTES },
      });
    }
    // NUL cannot be shown or grepped and git tools stop at it; every other character is kept as given.
    return value.includes('\0') ? value.replace(/\0/g, '') : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => check(v, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    // Keys too: free-form records (`meta`) take user text as keys. The field is named by its position, not by the (long) key.
    return Object.fromEntries(
      Object.entries(value).map(([k, v], i) => [check(k, `${where}${where.includes(' ') ? '.' : ' '}key #${i + 1}`) as string, check(v, `${where}${where.includes(' ') ? '.' : ' '}${k.length > 64 ? `${k.slice(0, 64)}…` : k}`)]),
    );
  }
  return value;
}

/**
 * Check every text of a draft against MAX_TEXT_BYTES (throws INVALID_INPUT
 * naming the field) and drop NUL characters; all other text stays as given.
 */
export function checkDraftText<D extends Draft>(draft: D): D {
  return { ...draft, data: check(draft.data, draft.type) } as D;
}

/**
 * Cut `text` to at most `maxBytes` UTF-8 bytes (never inside a character),
 * marking the cut. For callers that must not fail on long input (hooks).
 */
export function truncateText(text: string, maxBytes = MAX_TEXT_BYTES): string {
  if (byteLength(text) <= maxBytes) return text;
  const marker = ' […truncated]';
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8.encode(ch).length;
    if (used + n > maxBytes - marker.length) break;
    out += ch;
    used += n;
  }
  return out + marker;
}
