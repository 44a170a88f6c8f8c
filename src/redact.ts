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
 *
 * @example redactText('token ghp_…').text // 'token [redacted:github-token]'
 */
export function redactText(text: string, options: RedactionOptions = {}): { text: string; kinds: string[] } {
  if (options.disabled) return { text, kinds: [] };
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
      result += `${out.slice(copied, start)}[redacted:${kind}]`;
      copied = end;
    }
    if (copied > 0) out = result + out.slice(copied);
  }
  return { text: out, kinds };
}

/** redactText for one batch of drafts: the same text (a tool name, a field name) is judged once per batch. */
type Redactor = (text: string) => { text: string; kinds: string[] };
const batchRedactor = (options: RedactionOptions): Redactor => {
  const seen = new Map<string, { text: string; kinds: string[] }>();
  return (text) => {
    let r = seen.get(text);
    if (!r) seen.set(text, (r = redactText(text, options)));
    return r;
  };
};

function redactValue(value: unknown, options: RedactionOptions, kinds: string[], redact: Redactor = batchRedactor(options)): unknown {
  if (typeof value === 'string') {
    const r = redact(value);
    kinds.push(...r.kinds);
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, options, kinds, redact));
  if (value && typeof value === 'object') {
    // Keys too: free-form records such as `meta` take user text as keys (schema keys never match).
    // And a key is a label: `{ db_password: 'Tr0ub4dor.Hx9q' }` is judged as `db_password=Tr0ub4dor.Hx9q`.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redactValue(k, options, kinds, redact) as string, typeof v === 'string' ? redactLabelled(k, v, options, kinds, redact) : redactValue(v, options, kinds, redact)]),
    );
  }
  return value;
}

function redactLabelled(key: string, value: string, options: RedactionOptions, kinds: string[], redact: Redactor): string {
  const alone = redactValue(value, options, kinds, redact) as string;
  const labelled = redact(`${key}=${alone}`);
  if (labelled.kinds.length === 0 || !labelled.text.startsWith(`${key}=`)) return alone;
  kinds.push(...labelled.kinds);
  return labelled.text.slice(key.length + 1);
}

/** Redact every string inside a draft's data. */
export function redactDraft<D extends Draft>(draft: D, options: RedactionOptions = {}): D {
  return redactDrafts([draft], options)[0]!;
}

/** redactDraft for a batch (a spool flush of tool uses): a text that recurs is judged once, with the same result. */
export function redactDrafts<D extends Draft>(drafts: readonly D[], options: RedactionOptions = {}): D[] {
  if (options.disabled) return [...drafts];
  const redact = batchRedactor(options);
  return drafts.map((draft) => ({ ...draft, data: redactValue(draft.data, options, [], redact) }) as D);
}
