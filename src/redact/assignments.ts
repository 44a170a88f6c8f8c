/**
 * Secrets recognised by their label rather than their shape: `password=…`,
 * `DB_PASSWORD=…`, `PGPASSWORD=…`, `client_secret: …`, `"api_key": "…"`,
 * `export GITHUB_TOKEN=…`, `--password …`. This is the keyword-anchored rule
 * of gitleaks (`generic-api-key`) and detect-secrets (KeywordDetector): a
 * keyword ends the label (whatever letters or underscores come before it),
 * an assignment operator follows, and the value is then judged:
 *
 * - a *strong* keyword (password, secret, private key) makes any value a
 *   secret, unless it is a placeholder (`<your-password>`, `${VAR}`, `****`),
 *   a code reference (`process.env.API_KEY`, `getSecret(vault)`), or prose
 *   (`the secret: nothing works`: a bare word after a colon);
 * - a *weak* keyword (token, api key, auth, credentials) makes a value a
 *   secret only when it also looks random (entropy and character classes),
 *   since `max_token=4096` and `auth: required` are ordinary settings.
 *
 * Values may contain dots (`Tr0ub4dor.Hx9q`, `ya29.…`): a dotted value is a
 * code reference only when no part of it holds a digit. Also: a keyword inside
 * a longer label (`SECRET_KEY_BASE=`) with a machine-made value, prose
 * (`the password is …`), markup (`<password>…</password>`) and command lines
 * (`curl -u user:pass`, `mysql -p…`). Pure.
 */
import { looksRandom } from './entropy.js';
import type { Rule } from './providers.js';

const STRONG = String.raw`passphrase|password|passwd|(?<![A-Za-z0-9])pass|(?<![A-Za-z0-9])pwd|secret(?:[_-]?key)?|(?:private|signing|encryption|master)[_-]?key`;
const WEAK = String.raw`token|api[_-]?key|apikey|access[_-]?key|account[_-]?key|auth|credentials?|creds`;
/** The label ends at the keyword: `PASSWORD_FILE=` and `token_count=` are other settings. */
const LABEL = String.raw`(?:(?<strong>${STRONG})|(?<weak>${WEAK}))(?![A-Za-z0-9_-])`;
/** JSON inside JSON (a tool input) escapes its quotes: `{\"password\": \"…\"}`. */
const SEP = String.raw`\\?["'\x60]?[ \t]{0,8}(?<op>:=|=>|\?=|==|=|:)[ \t]{0,8}`;
const VALUE = String.raw`(?:\\?"(?<dq>(?:[^"\\\n]|\\[^"\n]){1,1024}?)\\?"|'(?<sq>[^'\n]{1,1024}?)'|\x60(?<bq>[^\x60\n]{1,1024}?)\x60|(?<bare>[^\s"'\x60,;\\]*[^\s"'\x60,;\\.:!?]))`;
/** A command-line flag: `--password hunter2`, `--api-token=…` (the `=` form is the assignment above). */
const FLAG = String.raw`(?<=^|\s)--?(?:[A-Za-z0-9]+-)*(?:(?<fstrong>password|passwd|pass|secret|client-secret)|(?<fweak>token|api-key|apikey|access-token|auth-token))[ \t]+(?<fvalue>[^\s"'\x60-][^\s"'\x60]*)`;

/** Values that stand for a secret without being one. */
const PLACEHOLDER = new RegExp(
  [
    String.raw`(?:null|nil|none|undefined|true|false|yes|no|on|off|empty|required|optional|string|str|bool|int|number|redacted|hidden|masked|unset|n/a|tbd|todo)`,
    String.raw`(?:an?[_-]?|the[_-]?|your[_-]?|some[_-]?)?(?:example|sample|dummy|fake|placeholder)(?:[_-]\w+)?`,
    String.raw`(?:your|my|the|some|new)[_-]?(?:[\w-]*[_-])?(?:password|passwd|pass|pwd|secret|token|key|api[_-]?key|value)s?`,
    String.raw`[\w-]*[_-](?:here|goes[_-]here)`,
    String.raw`(?:password|passwd|secret|token|key|api[_-]?key)s?`,
    String.raw`(?:~|\.\.?)?/[\w.@~/-]*`, // a path: `PWD=/home/ada`, `password_file: /run/secrets/db`
    String.raw`\*{3,}[\w]{0,4}|x{3,}|X{3,}|\.{3,}|…|-{3,}|#{3,}`,
    // templates and variables: `<…>`, `[…]`, `{{ … }}`, `${VAR}`, `$(cmd)`, `$VAR` (no digits but a last one), `%VAR%`, `@VAR@`
    String.raw`<[^>]*>?|\[[^\]]*\]?|\{\{.*|\{[^}]*\}|\$\{[^}]*\}?|\$\(.*|\$[A-Za-z_][A-Za-z_]*[0-9]?|%[A-Za-z_]\w*%|@[A-Za-z_]\w*@`,
  ]
    .map((s) => `(?:${s})`)
    .join('|')
    .replace(/^/, '^(?:')
    .concat(')$'),
  'i',
);

/** A reference to where the secret lives, not the secret: `process.env.API_KEY`, `cfg.auth.token`, `getSecret(vault)`, `os.environ["X"]`. */
function isCodeReference(v: string, spacedEquals: boolean): boolean {
  if (/^[A-Za-z_$][A-Za-z_$]*(?:\.[A-Za-z_$][A-Za-z_$]*)+$/.test(v)) return true; // dotted, no digit anywhere
  if (/^[A-Za-z_$][\w$.]*(?:\(.*\)?|\[.*\]?)$/.test(v) && !/^[\w$.]*[0-9][\w$.]*[(\[]/.test(v.replace(/[(\[].*$/, '('))) return true;
  if (/^[A-Z]+(?:_[A-Z]+)+$/.test(v)) return true; // an environment variable's name
  // `password = userPassword`: an identifier on the right of a spaced `=` is a variable.
  if (spacedEquals && /^[A-Za-z_$][A-Za-z_$]*$/.test(v)) return true;
  return false;
}

function acceptAssignment(value: string, m: RegExpExecArray): boolean {
  const g = m.groups ?? {};
  const strong = g.strong !== undefined || g.fstrong !== undefined;
  const quoted = g.dq !== undefined || g.sq !== undefined || g.bq !== undefined;
  const v = g.dq !== undefined ? value.replace(/\\(.)/g, '$1') : value;
  if (v.length < 3 || PLACEHOLDER.test(v.trim())) return false;
  if (v.startsWith('[redacted')) return false;
  const spacedEquals = g.op !== undefined && g.op !== ':' && /\s/.test(m[0].slice(m[0].indexOf(g.op) - 1, m[0].indexOf(g.op) + g.op.length + 1));
  if (isCodeReference(v, spacedEquals && !quoted)) return false;
  if (!strong) return looksRandom(v, { minLength: 8, minEntropy: 2.5 });
  // Prose: `the secret: nothing works`, `Password: see the vault`.
  if (!quoted && (g.op === ':' || g.fvalue !== undefined) && /^[A-Za-z]+$/.test(v)) return false;
  return true;
}

/**
 * A keyword inside a longer label (`SECRET_KEY_BASE=…`, `private_key_id: …`,
 * `api_key_v2=…`): the label may name a setting about the secret rather than
 * the secret, so the value must look machine-made, at the entropy floor
 * gitleaks gives its generic rule (3.5 bits a character).
 */
const SUFFIXED = String.raw`(?:${STRONG}|${WEAK})(?:[_-][A-Za-z0-9]{1,24}){1,3}(?![A-Za-z0-9_-])${SEP}${VALUE}`;
// A URL there is an endpoint (`token_endpoint=https://…`); the password of one is the url-password rule's.
const acceptSuffixed = (value: string, m: RegExpExecArray) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && acceptAssignment(value, m) && looksRandom(value, { minLength: 16, minEntropy: 3.5 });

/** Prose: `the password is Tr0ub4dor.Hx9q`, `my password was "Xk9#mPq2vL"`: a strong keyword, then a value with letters and digits. */
const PROSE = String.raw`(?:(?<strong>${STRONG}))(?![A-Za-z0-9_-])[ \t]+(?:is|was)[ \t]+(?:"(?<dq>[^"\n]{1,256}?)"|'(?<sq>[^'\n]{1,256}?)'|(?<bare>[^\s"'\x60,;]*[^\s"'\x60,;.:!?]))`;
const acceptProse = (value: string) => !PLACEHOLDER.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && looksRandom(value, { minLength: 6, minEntropy: 2.5 });

/** Markup: `<password>…</password>`: the element's text is judged like an assignment's value. */
const MARKUP = String.raw`<(?:[\w.-]{0,32}:)?[\w.-]{0,64}?${LABEL}>(?<xml>[^<\n]{1,1024}?)</`;

/** Credentials on a command line (the command and the flag at most 512 characters apart, so a long line costs linear time): `curl -u user:pass`, `mysql -pS3cret`, `sshpass -p S3cret`, `docker login -p S3cret`. */
const COMMAND = String.raw`(?:\bcurl\b[^\n]{0,512}?[ \t](?:-u|--user)[ \t=]*["']?[^\s:"']*:(?<curl>[^\s"']+)|\bmysql(?:dump|admin)?\b[^\n]{0,512}?[ \t]-p(?<mysql>[^\s"']+)|\b(?:sshpass|docker[ \t]+login|podman[ \t]+login)\b[^\n]{0,512}?[ \t]-p[ \t]+["']?(?<cmdp>[^\s"']+))`;
const acceptCommand = (value: string) => value.length >= 3 && !PLACEHOLDER.test(value) && !/^\$/.test(value);

const kindOf = (m: RegExpExecArray) => (m.groups?.strong !== undefined || m.groups?.fstrong !== undefined ? 'password' : 'credential');

/** Kinds: `password` for a strong keyword, `credential` for a weak one. */
export const assignmentRules: Rule[] = [
  { kind: 'password', kinds: ['password', 'credential'], kindOf, secretGroups: ['dq', 'sq', 'bq', 'bare'], pattern: new RegExp(`${LABEL}${SEP}${VALUE}`, 'dgi'), accept: acceptAssignment },
  { kind: 'password', kinds: ['password', 'credential'], kindOf, secretGroups: ['fvalue'], pattern: new RegExp(FLAG, 'dgi'), accept: acceptAssignment },
  { kind: 'credential', secretGroups: ['dq', 'sq', 'bq', 'bare'], pattern: new RegExp(SUFFIXED, 'dgi'), accept: acceptSuffixed },
  { kind: 'password', secretGroups: ['dq', 'sq', 'bare'], pattern: new RegExp(PROSE, 'dgi'), accept: acceptProse },
  { kind: 'password', kinds: ['password', 'credential'], kindOf, secretGroups: ['xml'], pattern: new RegExp(MARKUP, 'dgi'), accept: acceptAssignment },
  { kind: 'password', secretGroups: ['curl', 'mysql', 'cmdp'], pattern: new RegExp(COMMAND, 'dg'), accept: acceptCommand },
];
