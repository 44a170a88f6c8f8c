/**
 * Secret redaction before anything is written: journals get pushed to shared
 * remotes. A match is replaced by a marker naming its kind, e.g.
 * `[redacted:github-token]`, which stays visible in every view.
 *
 * The rules are organised as the secret scanners that are held up as models
 * (gitleaks, secretlint, detect-secrets): issuer formats anchored on a
 * documented prefix or shape (src/redact/providers.ts), keyword-anchored
 * assignments judged by what the value looks like (src/redact/assignments.ts),
 * entropy for values only a label points at (src/redact/entropy.ts), and
 * allow-lists for placeholders, code references and prose. Hex hashes, ULIDs,
 * UUIDs and session ids never match on their own. A deliberate false positive
 * is kept with `--allow-secret` or the git config list `logbook.allowSecret`.
 */
import type { Draft } from './events.js';
import { assignmentRules } from './redact/assignments.js';
import { providerRules, type Rule } from './redact/providers.js';

export interface RedactionOptions {
  /** Exact strings (or regular expressions as /…/) the user has declared not secret. */
  allow?: string[];
  /** Skip redaction for this write (`--allow-secret`). */
  disabled?: boolean;
}

/**
 * Rules run in this order: issuer formats first (their marker names the
 * issuer), then the keyword-anchored assignments, which skip what an earlier
 * rule already replaced.
 */
const rules: Rule[] = [...providerRules, ...assignmentRules];

/** Where the secret of a match is: the rule's named groups, else the first numbered group that took part, else the whole match. */
function secretSpan(rule: Rule, m: RegExpExecArray): [number, number] {
  if (rule.secretGroups) {
    const name = rule.secretGroups.find((n) => m.groups?.[n] !== undefined);
    if (name) return m.indices!.groups![name]!;
    return m.indices![0]!;
  }
  const group = m.findIndex((g, i) => i > 0 && g !== undefined);
  return group > 0 ? m.indices![group]! : m.indices![0]!;
}

function isAllowed(secret: string, allow: readonly string[]): boolean {
  return allow.some((a) => {
    if (a.length > 2 && a.startsWith('/') && a.endsWith('/')) {
      try {
        return new RegExp(a.slice(1, -1)).test(secret);
      } catch {
        return false;
      }
    }
    return a === secret;
  });
}

/** Every redaction kind, for documentation and tests. */
export const redactionKinds: readonly string[] = [...new Set(rules.flatMap((r) => r.kinds ?? [r.kind]))];

/**
 * Replace every secret in `text` by `[redacted:<kind>]` and say which kinds
 * were found. Only the secret is replaced: a label such as `password=` stays.
 * A secret that a rule found once is replaced wherever else it occurs too
 * (`password=X … log in with X`): its other copies have no label to find.
 *
 * @example redactText('token ghp_…').text // 'token [redacted:github-token]'
 */
export function redactText(text: string, options: RedactionOptions = {}): { text: string; kinds: string[] } {
  if (options.disabled) return { text, kinds: [] };
  const found = new Map<string, string>();
  const r = scan(text, options, found);
  return { text: spread(r.text, found), kinds: r.kinds };
}

/** Shorter secrets are replaced only where a rule found them: elsewhere they would eat ordinary words. */
const SPREAD_MIN = 6;
const MARKER = /\[redacted:[a-z0-9-]+\]/g;

/** Replace the other copies of each found secret (longest first), never inside a marker. */
function spread(text: string, found: ReadonlyMap<string, string>): string {
  const secrets = [...found].filter(([secret]) => secret.length >= SPREAD_MIN && text.includes(secret)).sort((a, b) => b[0].length - a[0].length);
  if (!secrets.length) return text;
  const markers = text.match(MARKER) ?? [];
  return text
    .split(MARKER)
    .map((part) => secrets.reduce((t, [secret, kind]) => t.split(secret).join(`[redacted:${kind}]`), part))
    .reduce((out, part, i) => out + part + (markers[i] ?? ''), '');
}

/** Run every rule over `text`; each secret replaced is added to `found` (secret -> kind). */
function scan(text: string, options: RedactionOptions, found: Map<string, string>): { text: string; kinds: string[] } {
  const allow = options.allow ?? [];
  const kinds: string[] = [];
  let out = text;
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    let result = '';
    let copied = 0;
    for (let m = rule.pattern.exec(out); m; m = rule.pattern.exec(out)) {
      if (m[0] === '') {
        rule.pattern.lastIndex++;
        continue;
      }
      // The secret is the first capture group that took part in the match, else the whole match.
      const [start, end] = secretSpan(rule, m);
      const secret = out.slice(start, end);
      if (secret.startsWith('[redacted:') || secret.includes('[redacted:') || isAllowed(secret, allow) || (rule.accept && !rule.accept(secret, m))) continue;
      const kind = rule.kindOf ? rule.kindOf(m) : rule.kind;
      kinds.push(kind);
      if (!found.has(secret)) found.set(secret, kind);
      result += `${out.slice(copied, start)}[redacted:${kind}]`;
      copied = end;
    }
    if (copied > 0) out = result + out.slice(copied);
  }
  return { text: out, kinds };
}

function redactValue(value: unknown, options: RedactionOptions, kinds: string[], found: Map<string, string>): unknown {
  if (typeof value === 'string') {
    const r = scan(value, options, found);
    kinds.push(...r.kinds);
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, options, kinds, found));
  if (value && typeof value === 'object') {
    // Keys too: free-form records such as `meta` take user text as keys (schema keys never match).
    // And a key is a label: `{ db_password: 'Tr0ub4dor.Hx9q' }` is judged as `db_password=Tr0ub4dor.Hx9q`.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactValue(k, options, kinds, found) as string, typeof v === 'string' ? redactLabelled(k, v, options, kinds, found) : redactValue(v, options, kinds, found)]));
  }
  return value;
}

function redactLabelled(key: string, value: string, options: RedactionOptions, kinds: string[], found: Map<string, string>): string {
  const alone = redactValue(value, options, kinds, found) as string;
  const labelled = scan(`${key}=${alone}`, options, found);
  if (labelled.kinds.length === 0 || !labelled.text.startsWith(`${key}=`)) return alone;
  kinds.push(...labelled.kinds);
  return labelled.text.slice(key.length + 1);
}

function spreadValue(value: unknown, found: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return spread(value, found);
  if (Array.isArray(value)) return value.map((v) => spreadValue(v, found));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [spread(k, found), spreadValue(v, found)]));
  return value;
}

/** Redact every string inside a draft's data. */
export function redactDraft<D extends Draft>(draft: D, options: RedactionOptions = {}): D {
  return redactDrafts([draft], options)[0]!;
}

/**
 * Redact the drafts of one write together: a secret found in one field (or
 * one draft) is also replaced where it occurs unlabelled in the others
 * (`--decision "password=X" --rationale "X is on the wiki"`).
 */
export function redactDrafts<D extends Draft>(drafts: readonly D[], options: RedactionOptions = {}): D[] {
  if (options.disabled) return [...drafts];
  const found = new Map<string, string>();
  const scanned = drafts.map((d) => ({ ...d, data: redactValue(d.data, options, [], found) }) as D);
  if (!found.size) return scanned;
  return scanned.map((d) => ({ ...d, data: spreadValue(d.data, found) }) as D);
}
