/**
 * A session file's frontmatter as the `yaml` package writes it, without the
 * package, for the values that need no quoting: a rebuild writes one per
 * session, and the package's document model costs more than the rest of the
 * file. Any value outside the plain cases here gives undefined, and the
 * caller asks the package (test/projections/yamlPlain.property.test.ts checks
 * the two agree wherever this answers). Pure.
 */

/** Strings the package writes as they are: letters first, no indicator or quote, no space at either end, not a YAML 1.2 boolean or null. */
const PLAIN = /^[A-Za-z][A-Za-z0-9 _.,()/+-]{0,199}$/;
const RESERVED = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
/** Times and session ids: digits first, yet no number in the core schema. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const SESSION_ID = /^\d{8}_\d{4}_[0-9a-z]{4}$/;

const plain = (s: string) => (PLAIN.test(s) && !s.endsWith(' ') && !RESERVED.has(s)) || ISO_TIME.test(s) || SESSION_ID.test(s);

function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return plain(v) ? v : undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : undefined;
  return undefined;
}

/**
 * `stringify(value, { lineWidth: 0 })` of the `yaml` package for a flat map
 * of plain strings, integers, null, lists of plain strings and maps of plain
 * strings; undefined for anything else.
 */
export function plainYaml(value: Record<string, unknown>): string | undefined {
  let out = '';
  for (const [key, v] of Object.entries(value)) {
    if (!plain(key) || v === undefined) return undefined;
    if (Array.isArray(v)) {
      if (!v.length) {
        out += `${key}: []\n`;
        continue;
      }
      out += `${key}:\n`;
      for (const x of v) {
        const s = scalar(x);
        if (s === undefined || x === null) return undefined;
        out += `  - ${s}\n`;
      }
      continue;
    }
    if (v !== null && typeof v === 'object') {
      if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
      const entries = Object.entries(v);
      if (!entries.length) return undefined;
      out += `${key}:\n`;
      for (const [k, x] of entries) {
        const s = typeof x === 'string' ? scalar(x) : undefined;
        if (!plain(k) || s === undefined) return undefined;
        out += `  ${k}: ${s}\n`;
      }
      continue;
    }
    const s = scalar(v);
    if (s === undefined) return undefined;
    out += `${key}: ${s}\n`;
  }
  return out || undefined;
}
