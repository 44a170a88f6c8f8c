/** The item page: the item's chain across sessions drawn as linked boxes, then its history. Pure. */
import { isOpenItem, type ItemChain } from '../items.js';
import { html, minute, page, statusBadge, type Raw } from './layout.js';

export interface ChainSession {
  /** Full id, when the session's start is known here. */
  id?: string;
  stable: string;
  title: string;
  status: string;
}

const BOX_W = 190;
const GAP = 70;
const BOX_H = 74;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Boxes for the sessions the item passed through, in order, with an arrow for each move. */
export function chainSvg(item: ItemChain, sessions: ReadonlyArray<ChainSession>, base: string): Raw {
  const width = sessions.length * BOX_W + (sessions.length - 1) * GAP + 20;
  const height = BOX_H + 56;
  const xs = sessions.map((_, i) => 10 + i * (BOX_W + GAP));
  const actions = (stable: string) => item.history.filter((h) => h.session === stable && h.action !== 'migrated').map((h) => h.action);
  return html`<figure class="chain"><div class="scroll"><svg role="img" aria-labelledby="ch-title ch-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title id="ch-title">Chain of ${item.key}</title>
<desc id="ch-desc">${item.key} began in ${sessions[0]?.stable ?? '?'} and passed through ${sessions.length} session${sessions.length === 1 ? '' : 's'}: ${sessions.map((s) => s.stable).join(', then ')}. It is ${item.status} now.</desc>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="arrowhead"/></marker></defs>
${sessions.map((s, i) => {
    const x = xs[i]!;
    const box = html`<g class="node${i === 0 ? ' origin' : ''}${i === sessions.length - 1 ? ' current' : ''}">
<rect x="${x}" y="24" width="${BOX_W}" height="${BOX_H}" rx="8"/>
<text x="${x + 10}" y="44" class="node-id">${s.stable}${i === 0 ? ' · origin' : ''}${i === sessions.length - 1 && sessions.length > 1 ? ' · now' : ''}</text>
<text x="${x + 10}" y="63" class="node-title">${clip(s.title, 23)}</text>
<text x="${x + 10}" y="83" class="node-meta">${s.status}${actions(s.stable).length ? ` · ${clip(actions(s.stable).join(', '), 20)}` : ''}</text>
</g>`;
    const linked = s.id ? html`<a href="${base}/sessions/${encodeURIComponent(s.id)}">${box}</a>` : box;
    const arrow =
      i > 0
        ? html`<line x1="${xs[i - 1]! + BOX_W + 4}" y1="${24 + BOX_H / 2}" x2="${x - 4}" y2="${24 + BOX_H / 2}" class="edge" marker-end="url(#arrow)"/><text x="${x - GAP / 2}" y="${18 + BOX_H / 2}" text-anchor="middle" class="edge-label">migrated</text>`
        : '';
    return html`${arrow}${linked}`;
  })}
<text x="10" y="${height - 10}" class="axis">${minute(item.created_at)}</text>
<text x="${width - 10}" y="${height - 10}" class="axis" text-anchor="end">${minute(item.updated_at)}</text>
</svg></div><figcaption>Origin on the left; each arrow is a migration to the next session.</figcaption></figure>`;
}

export function renderItemPage(input: { repo: string; base: string; item: ItemChain; sessions: ChainSession[]; live: string }): string {
  const { item, base } = input;
  const body = html`<nav aria-label="Breadcrumb" class="crumbs"><a href="/">Dashboard</a> › <span>${input.repo}</span> › <span aria-current="page">${item.key}</span></nav>
<h1>${item.key} ${statusBadge(isOpenItem(item) ? item.status : 'completed')}</h1>
<p class="meta">type ${item.type} · origin ${item.origin_session} · ${minute(item.created_at)} → ${minute(item.updated_at)}${item.migrated_at ? ` · last migrated ${minute(item.migrated_at)}` : ''}</p>
<section aria-labelledby="chain-h"><h2 id="chain-h">Chain</h2>${chainSvg(item, input.sessions, base)}</section>
<section aria-labelledby="hist-h"><h2 id="hist-h">History</h2><table class="list"><thead><tr><th scope="col">When</th><th scope="col">Session</th><th scope="col">Action</th><th scope="col">Note</th></tr></thead><tbody>${item.history.map((h) => {
    const s = input.sessions.find((x) => x.stable === h.session);
    return html`<tr><td><time datetime="${h.at}">${minute(h.at)}</time></td><td>${s?.id ? html`<a href="${base}/sessions/${encodeURIComponent(s.id)}">${h.session}</a>` : h.session}</td><td>${h.action}</td><td>${h.note ?? ''}</td></tr>`;
  })}</tbody></table></section>`;
  return page({ title: item.key, nav: 'item', base, body, live: input.live });
}
