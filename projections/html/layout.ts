/**
 * The page shell of the web view and the one escaping rule every renderer
 * uses: all text goes through `esc` (or `attr`) on its way into HTML. Pure.
 */
export const esc = (text: unknown): string =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A tagged template whose interpolations are escaped unless they are `raw`. */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}
export const raw = (html: string): Raw => new Raw(html);

type Part = Raw | string | number | boolean | null | undefined | ReadonlyArray<Part>;
const part = (v: Part): string => (v instanceof Raw ? v.html : Array.isArray(v) ? v.map(part).join('') : v === null || v === undefined || v === false ? '' : esc(v));

export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => (out += part(v) + strings[i + 1]!));
  return raw(out);
}

export interface PageOptions {
  title: string;
  /** Which nav entry is current. */
  nav: 'dashboard' | 'agenda' | 'stats' | 'search' | 'session' | 'item';
  /** Path prefix of the repository pages link to (`/repos/NAME`, or '' for the default). */
  base: string;
  body: Raw;
  /** The page follows the journal live (the script reloads its <main> on new events). */
  live?: string;
  /** Notices for the banner (sync failures). */
  notices?: string[];
  query?: string;
}

export function page(o: PageOptions): string {
  const link = (href: string, label: string, key: PageOptions['nav']) => html`<a href="${href}"${raw(o.nav === key ? ' aria-current="page"' : '')}>${label}</a>`;
  return `<!doctype html>
${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${o.title} · Logbook</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body${raw(o.live ? ` data-live="${esc(o.live)}"` : '')}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<span class="brand">Logbook</span>
<nav aria-label="Main">${link('/', 'Dashboard', 'dashboard')}${link(`${o.base}/agenda`, 'Agenda', 'agenda')}${link(`${o.base}/stats`, 'Stats', 'stats')}</nav>
<form class="search" role="search" action="${o.base}/search" method="get">
<label for="q">Search events</label>
<input id="q" name="q" type="search" value="${o.query ?? ''}" placeholder="Search events…">
<button type="submit">Search</button>
</form>
<span class="live" id="live" role="status" aria-live="polite"></span>
</header>
${(o.notices ?? []).map((n) => html`<div class="notice" role="alert">${n}</div>`)}
<main id="main" tabindex="-1">
${o.body}
</main>
<footer><p>Everything here is folded from the events under <code>refs/logbook/</code>; the same projections as the CLI.</p></footer>
</body>
</html>`.html}
`;
}

/** `2026-12-01 20:13` */
export const minute = (iso: string | undefined): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

export const statusBadge = (status: string): Raw => html`<span class="badge st-${status}">${status}</span>`;
