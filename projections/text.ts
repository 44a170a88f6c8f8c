/**
 * User text on its way into markdown and onto a terminal. Journal text is
 * whatever an agent or a user typed (or pasted): it may hold terminal control
 * sequences (ESC, OSC, BEL, CR) that recolour, retitle or overwrite what a
 * reader sees, and line breaks followed by `## Blockers` that would open a
 * section of their own in a session file or the resume context an agent
 * trusts. Renderers pass text through these helpers; what is stored stays
 * as written (`--json` shows it, JSON-escaped). Pure.
 */

/** C0 controls but tab and line feed, DEL, C1 controls (0x9b is CSI on some terminals), bidi overrides ("Trojan source"). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const HAS_CONTROL = new RegExp(CONTROL.source);
const BREAKS = /\r\n|[\n\u2028\u2029\u0085]/g;
/** A control or a line break: what `inline` changes besides a leading block marker (one test instead of two). */
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BREAK = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;

/**
 * Shown, not obeyed: each control as `\uXXXX` (ESC is `\u001b`, CR `\u000d`).
 * The same spelling is a valid escape inside a JSON string, so the CLI can
 * apply this to everything it prints, JSON included.
 */
export function escapeControls(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The start of a line that opens or hides sections: a heading, a setext
 * underline or rule, a code fence or an HTML block (which would swallow the
 * sections after it). Lists and quotes are left alone: they stay inside the
 * section they are in.
 */
const BLOCK_START = /^(?=\s{0,3}(?:#{1,6}(?:\s|$)|[-*_=+]+\s*$|`{3}|~{3}|<[A-Za-z!/?]))\s*/;

/** Escape a markdown block marker at the start of a line (`## x` -> `\## x`), so that the line stays text. */
function neutralise(line: string): string {
  return line.replace(BLOCK_START, '\\');
}

/**
 * One line of markdown from user text: controls escaped, line breaks shown as
 * ` ⏎ `, a leading block marker escaped. Nothing in it can open a section.
 *
 * @example inline('done\n## Blockers\n- FAKE') // 'done ⏎ ## Blockers ⏎ - FAKE'
 */
export function inline(text: string): string {
  if (!CONTROL_OR_BREAK.test(text) && !BLOCK_START.test(text)) return text; // the common case, untouched
  const lines = escapeControls(text.replace(BREAKS, '\n'))
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  return neutralise(lines.join(' ⏎ '));
}

/** Text that keeps its lines (a compaction summary), each escaped and none able to open a section. */
export function safeLines(text: string): string[] {
  return escapeControls(text.replace(BREAKS, '\n'))
    .split('\n')
    .map(neutralise);
}

/**
 * A renderer's input with every string made `inline`: one call at the top of
 * a renderer covers every field it prints. A plain object or array in which
 * some string changes is copied; one in which none does is the same object
 * (renderers read their input, never write it), so text that needs nothing
 * costs no copy. Anything else (numbers, Maps) is kept as is.
 */
export function inlineAll<T>(value: T): T {
  if (typeof value === 'string') return inline(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const r = inlineAll(v);
      if (!out && r !== v) out = value.slice(0, i);
      if (out) out.push(r);
    }
    return (out ?? value) as T;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const v = obj[keys[i]!];
      const r = inlineAll(v);
      if (!out && r !== v) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
      }
      if (out) out[keys[i]!] = r;
    }
    return (out ?? value) as T;
  }
  return value;
}
