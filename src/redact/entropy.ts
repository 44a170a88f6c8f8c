/**
 * How random a string looks, for rules whose pattern alone would also catch
 * ordinary text (gitleaks gives such rules an `entropy` floor, detect-secrets
 * runs its high-entropy plugins on quoted strings). Pure.
 */

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const classes = (s: string) => [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(s)).length;

/**
 * A machine-made token rather than a word, an identifier or a number: long
 * enough, several kinds of character, and no long run of dictionary-like
 * lowercase words joined by separators (`my-sk-mode-configuration-flag`).
 */
export function looksRandom(s: string, options: { minLength?: number; minEntropy?: number } = {}): boolean {
  const minLength = options.minLength ?? 8;
  const minEntropy = options.minEntropy ?? 3;
  if (s.length < minLength) return false;
  if (!/[0-9]/.test(s) && !(s.length >= 20 && /[a-z]/.test(s) && /[A-Z]/.test(s))) return false;
  if (!/[A-Za-z]/.test(s)) return false;
  if (classes(s) < 2) return false;
  if (shannonEntropy(s) < minEntropy) return false;
  // Words joined by dashes, dots or underscores, each all lowercase letters (a digit at most at the very end): a name, not a token.
  const parts = s.split(/[-_.]/);
  if (parts.length >= 3 && parts.every((p) => /^[a-z]*[0-9]?$/.test(p))) return false;
  return true;
}
