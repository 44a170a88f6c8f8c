/**
 * Tokens recognised by the format their issuer documents: a fixed prefix
 * (`ghp_`, `glpat-`, `xoxb-`, `AKIA`, `ya29.`, `AIza`…), a fixed shape (JWTs,
 * PEM private key blocks) or a fixed place (the password of a URL, an
 * `Authorization` header). Organised as gitleaks does: one rule per issuer
 * and format, each anchored on what cannot occur by chance, with an entropy
 * check only where the prefix is short or common (`sk-`). Pure.
 */
import { looksRandom } from './entropy.js';

export interface Rule {
  kind: string;
  /** Must have the `g` and `d` flags; the first capture group that took part, when any, is the secret, else the whole match. */
  pattern: RegExp;
  /** Extra test on the secret, for rules whose pattern alone would catch ordinary text. */
  accept?: (secret: string, match: RegExpExecArray) => boolean;
  /** The kind of one match, for rules that find more than one kind (default `kind`). */
  kindOf?: (match: RegExpExecArray) => string;
  /** Named groups that hold the secret (the first that took part); default: the first numbered group, else the whole match. */
  secretGroups?: readonly string[];
  /** Every kind `kindOf` can give (default `[kind]`). */
  kinds?: readonly string[];
}

/** Not glued to a longer word: `my-sk-mode` is not an `sk-` key. */
const START = String.raw`(?<![A-Za-z0-9_-])`;
/** The token ends where its alphabet ends. */
const END = String.raw`(?![A-Za-z0-9_-])`;
const re = (source: string, flags = 'dg') => new RegExp(source, flags);

/** A token with upper case, lower case and digits, as base62 keys have. */
const mixed = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s) && looksRandom(s, { minEntropy: 3.5 });

export const providerRules: Rule[] = [
  {
    kind: 'private-key',
    // A JSON-escaped key (`\n` as two characters) is one block too; a key pasted without its END line runs to the end of the text.
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/dg,
  },
  { kind: 'age-secret-key', pattern: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/dg },
  { kind: 'aws-access-key', pattern: re(String.raw`${START}(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[0-9A-Z]{16}(?![0-9A-Za-z])`) },
  {
    kind: 'aws-secret-key',
    pattern: /(?:aws_?)?secret_?access_?key(?:_?id)?["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/dgi,
  },
  { kind: 'github-token', pattern: re(String.raw`${START}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})${END}`) },
  { kind: 'gitlab-token', pattern: re(String.raw`${START}(?:gl(?:pat|dt|rt|ptt|cbt|imt|oas|soat|ft|agent|ffct)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,})`) },
  { kind: 'slack-token', pattern: re(String.raw`${START}(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})`) },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/dg },
  { kind: 'discord-webhook', pattern: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{30,}/dg },
  { kind: 'anthropic-key', pattern: re(String.raw`${START}sk-ant-(?:api|admin|sid|oat)\d{0,2}-[A-Za-z0-9_-]{20,}`), accept: (s) => looksRandom(s.slice(7)) },
  { kind: 'openai-key', pattern: re(String.raw`${START}sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}`), accept: (s) => mixed(s.replace(/^sk-(?:proj-|svcacct-|admin-|None-)?/, '')) },
  { kind: 'google-api-key', pattern: re(String.raw`${START}AIza[0-9A-Za-z_-]{35}${END}`) },
  { kind: 'google-oauth-token', pattern: re(String.raw`${START}(?:ya29\.[0-9A-Za-z_-]{16,}|1//0[0-9A-Za-z_-]{30,})`) },
  { kind: 'google-client-secret', pattern: re(String.raw`${START}GOCSPX-[0-9A-Za-z_-]{24,}`) },
  { kind: 'stripe-key', pattern: re(String.raw`${START}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|${START}whsec_[A-Za-z0-9]{24,}`) },
  { kind: 'npm-token', pattern: re(String.raw`${START}npm_[A-Za-z0-9]{36}${END}`) },
  { kind: 'pypi-token', pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/dg },
  { kind: 'huggingface-token', pattern: re(String.raw`${START}hf_[A-Za-z0-9]{34,}${END}`), accept: (s) => looksRandom(s) },
  { kind: 'sendgrid-key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/dg },
  { kind: 'digitalocean-token', pattern: /\bdo[pro]_v1_[a-f0-9]{64}\b/dg },
  { kind: 'shopify-token', pattern: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/dg },
  { kind: 'twilio-key', pattern: re(String.raw`${START}SK[0-9a-f]{32}${END}`) },
  { kind: 'mailgun-key', pattern: re(String.raw`${START}key-[0-9a-f]{32}${END}`) },
  { kind: 'telegram-bot-token', pattern: re(String.raw`${START}\d{8,10}:AA[0-9A-Za-z_-]{33}${END}`) },
  { kind: 'vault-token', pattern: re(String.raw`${START}hv[sbr]\.[0-9A-Za-z_-]{24,}`) },
  { kind: 'databricks-token', pattern: re(String.raw`${START}dapi[a-f0-9]{32}(?:-\d)?${END}`) },
  { kind: 'grafana-token', pattern: re(String.raw`${START}(?:glsa_[A-Za-z0-9]{32}_[a-fA-F0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})`) },
  { kind: 'linear-key', pattern: re(String.raw`${START}lin_api_[A-Za-z0-9]{40}${END}`) },
  { kind: 'postman-key', pattern: re(String.raw`${START}PMAK-[a-f0-9]{24}-[a-f0-9]{34}${END}`) },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/dg },
  // Scheme and user are bounded: unbounded runs backtrack quadratically on long words joined by dashes.
  { kind: 'url-password', pattern: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{0,256}:([^\s@/]{1,256})@/dgi, accept: (s) => !/^\$\{?[A-Za-z_]\w*\}?$|^\*+$|^<[^>]*>$/.test(s) },
  {
    kind: 'bearer-token',
    pattern: /(?:\b[Bb]earer\s+|\bAuthorization\b["']?\s*[:=]\s*["']?[Tt]oken\s+)([A-Za-z0-9._~+/-]{16,}=*)/dg,
    accept: (s) => looksRandom(s),
  },
  { kind: 'basic-auth', pattern: /\bAuthorization\b["']?\s*[:=]\s*["']?Basic\s+([A-Za-z0-9+/]{8,}={0,2})/dgi },
];
