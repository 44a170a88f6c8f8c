/**
 * Secret redaction before anything is written: journals get pushed to shared
 * remotes. A match is replaced by a marker naming its kind, e.g.
 * `[redacted:github-token]`, which stays visible in every view.
 *
 * The rules favour precision: a token is only recognised by a prefix its
 * issuer documents, or by a label that says it is a secret (`password=`,
 * `Authorization: Bearer`, credentials in a URL). Hex hashes, ULIDs, UUIDs and
 * session ids never match on their own. A deliberate false positive is kept
 * with `--allow-secret` or the git config list `logbook.allowSecret`.
 */
import type { Draft } from './events.js';

export interface RedactionOptions {
  /** Exact strings (or regular expressions as /…/) the user has declared not secret. */
  allow?: string[];
  /** Skip redaction for this write (`--allow-secret`). */
  disabled?: boolean;
}

interface Rule {
  kind: string;
  /** Must have the `g` and `d` flags; group 1, when present, is the secret, else the whole match. */
  pattern: RegExp;
  /** Extra test on the secret, for rules whose pattern alone would catch ordinary text. */
  accept?: (secret: string) => boolean;
}

/** A random token has letters and digits; words joined by dashes do not. */
const looksRandom = (s: string) => /[0-9]/.test(s) && /[A-Za-z]/.test(s);

/** Values after `password=` that are placeholders or code, not secrets. */
const placeholder =
  /^(?:null|nil|none|undefined|true|false|empty|required|optional|string|redacted|hidden|\*+|x+|\.+|<[^>]*>|\[[^\]]*\]|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|%[A-Za-z_][A-Za-z0-9_]*%?|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Za-z_$][\w$.]*\(.*)$/i;

const rules: Rule[] = [
  {
    kind: 'private-key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/dg,
  },
  { kind: 'age-secret-key', pattern: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/dg },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/dg },
  {
    kind: 'aws-secret-key',
    pattern: /\b(?:aws_?)?secret_?access_?key(?:_?id)?\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/dgi,
  },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/dg },
  { kind: 'gitlab-token', pattern: /\bgl(?:pat|dt|rt|ptt|cbt|imt|oas|soat|ft|agent)-[A-Za-z0-9_-]{20,}/dg },
  { kind: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}/dg },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/dg },
  { kind: 'anthropic-key', pattern: /\bsk-ant-(?:api|admin|sid)?[A-Za-z0-9_-]{20,}/dg, accept: looksRandom },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/dg, accept: looksRandom },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/dg },
  { kind: 'stripe-key', pattern: /\b(?:sk|rk|whsec)_(?:live|test)_[A-Za-z0-9]{16,}\b/dg },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/dg },
  { kind: 'pypi-token', pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/dg },
  { kind: 'huggingface-token', pattern: /\bhf_[A-Za-z0-9]{34,}\b/dg, accept: looksRandom },
  { kind: 'sendgrid-key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/dg },
  { kind: 'digitalocean-token', pattern: /\bdo[pro]_v1_[a-f0-9]{64}\b/dg },
  { kind: 'shopify-token', pattern: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/dg },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/dg },
  // Scheme and user are bounded: unbounded runs backtrack quadratically on long words joined by dashes.
  { kind: 'url-password', pattern: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{1,256}:([^\s@/]{1,256})@/dgi },
  {
    kind: 'bearer-token',
    pattern: /(?:\b[Bb]earer\s+|\bAuthorization\b["']?\s*[:=]\s*["']?[Tt]oken\s+)([A-Za-z0-9._~+/-]{20,}=*)/dg,
    accept: looksRandom,
  },
  { kind: 'basic-auth', pattern: /\bAuthorization\b["']?\s*[:=]\s*["']?Basic\s+([A-Za-z0-9+/]{8,}={0,2})/dgi },
  {
    kind: 'password',
    pattern:
      /(?<![A-Za-z0-9])(?:password|passwd|passphrase|pwd|secret|client[_-]?secret|app[_-]?secret|api[_-]?secret|secret[_-]?key|private[_-]?key|api[_-]?key|x-api-key|access[_-]?key|account[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|session[_-]?token)(?![A-Za-z0-9_])["']?\s*(?::=|=>|[:=])\s*(?:"([^"\n]{4,}?)"|'([^'\n]{4,}?)'|([^\s"',;]{4,}))/dgi,
    accept: (s) => !placeholder.test(s),
  },
];

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
export const redactionKinds: readonly string[] = rules.map((r) => r.kind);

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
      const group = m.findIndex((g, i) => i > 0 && g !== undefined);
      const [start, end] = group > 0 ? m.indices![group]! : m.indices![0]!;
      const secret = out.slice(start, end);
      if (secret.startsWith('[redacted:') || isAllowed(secret, allow) || (rule.accept && !rule.accept(secret))) continue;
      kinds.push(rule.kind);
      result += `${out.slice(copied, start)}[redacted:${rule.kind}]`;
      copied = end;
    }
    if (copied > 0) out = result + out.slice(copied);
  }
  return { text: out, kinds };
}

function redactValue(value: unknown, options: RedactionOptions, kinds: string[]): unknown {
  if (typeof value === 'string') {
    const r = redactText(value, options);
    kinds.push(...r.kinds);
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, options, kinds));
  if (value && typeof value === 'object') {
    // Keys too: free-form records such as `meta` take user text as keys (schema keys never match).
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactValue(k, options, kinds) as string, redactValue(v, options, kinds)]));
  }
  return value;
}

/** Redact every string inside a draft's data. */
export function redactDraft<D extends Draft>(draft: D, options: RedactionOptions = {}): D {
  if (options.disabled) return draft;
  return { ...draft, data: redactValue(draft.data, options, []) } as D;
}
