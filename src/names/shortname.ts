/**
 * Short names (SPEC 4, 6): the human handle of a session, used in file names
 * and as a session reference. Any text is turned into one (accents dropped,
 * everything else that is not a letter or digit becomes a dash); a short name
 * is unique among open sessions, so `view NAME` never becomes ambiguous.
 */
import { LogbookError } from '../errors.js';

export const SHORTNAME_MAX = 40;

/** `"Fix Sweep! ünï"` → `fix-sweep-uni`; `''` when the text has no letter or digit a file name can hold. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // combining marks: ü → u
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SHORTNAME_MAX)
    .replace(/-+$/, '');
}

/** The short name for `--name` text, or a clear refusal in the words of the command line. */
export function shortnameFromName(given: string, flag = '--name'): string {
  if (!given.trim()) {
    throw new LogbookError('INVALID_INPUT', `${flag} needs a non-empty value`, { hint: `leave ${flag} out to derive the short name from the goal, or pass one such as ${flag} fix-login` });
  }
  const s = slugify(given);
  if (!s) {
    throw new LogbookError('INVALID_INPUT', `${flag} "${given}" has no letter or digit to make a short name from`, {
      hint: 'a short name is lowercase letters (a-z), digits and dashes, for example fix-login',
    });
  }
  return s;
}

/** `base`, or `base-2`, `base-3`, … : the first one not in `taken` (kept within the length limit). */
export function freeShortname(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const tail = `-${n}`;
    const candidate = `${base.slice(0, SHORTNAME_MAX - tail.length).replace(/-+$/, '')}${tail}`;
    if (!taken.has(candidate)) return candidate;
  }
}
