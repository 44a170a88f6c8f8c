/**
 * Secret redaction before anything is written: journals get pushed to shared
 * remotes. A match is replaced by a marker naming its kind, e.g.
 * `[redacted:github-token]`, which stays visible in every view.
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
  pattern: RegExp;
  /** Index of the capture group holding the secret; the whole match when absent. */
  group?: number;
}

const rules: Rule[] = [
  { kind: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'aws-secret-key', pattern: /\baws_?secret_?access_?key\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi, group: 1 },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g },
  { kind: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
  { kind: 'url-password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/gi, group: 1 },
  {
    kind: 'password',
    pattern: /\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)\b["']?\s*[:=]\s*(?:"([^"\s]{4,})"|'([^'\s]{4,})'|([^\s"',;]{4,}))/gi,
  },
];

function isAllowed(secret: string, allow: string[]): boolean {
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

/** Replace every secret in `text` by `[redacted:<kind>]`. */
export function redactText(text: string, options: RedactionOptions = {}): { text: string; kinds: string[] } {
  if (options.disabled) return { text, kinds: [] };
  const allow = options.allow ?? [];
  const kinds: string[] = [];
  let out = text;
  for (const rule of rules) {
    out = out.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
      const captured = groups.slice(0, -2).filter((g): g is string => typeof g === 'string');
      const secret = rule.group !== undefined ? (groups[rule.group - 1] as string) : captured.length && rule.kind === 'password' ? captured[0]! : match;
      if (!secret || secret.startsWith('[redacted:') || isAllowed(secret, allow)) return match;
      kinds.push(rule.kind);
      return match.replace(secret, `[redacted:${rule.kind}]`);
    });
  }
  return { text: out, kinds };
}

function redactValue(value: unknown, options: RedactionOptions): unknown {
  if (typeof value === 'string') return redactText(value, options).text;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, options));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, options)]));
  }
  return value;
}

/** Redact every string inside a draft's data. */
export function redactDraft<D extends Draft>(draft: D, options: RedactionOptions = {}): D {
  if (options.disabled) return draft;
  return { ...draft, data: redactValue(draft.data, options) } as D;
}
