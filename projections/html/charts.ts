/** Small SVG charts for the stats page, each with its numbers in a table for screen readers and for reading. Pure. */
import { html, type Raw } from './layout.js';

export interface Bar {
  label: string;
  value: number;
  /** A second value stacked on top (e.g. failures of the calls). */
  extra?: number;
}

export function barChart(id: string, title: string, bars: readonly Bar[], options: { unit?: string; extraLabel?: string } = {}): Raw {
  if (!bars.length) return html`<p class="empty">Nothing recorded yet.</p>`;
  const max = Math.max(1, ...bars.map((b) => b.value + (b.extra ?? 0)));
  const bw = Math.max(8, Math.min(40, 640 / Math.max(1, bars.length)));
  const h = 160;
  const width = 48 + bars.length * (bw + 4) + 10;
  const height = h + 44;
  const y = (v: number) => 10 + h - (v / max) * h;
  const every = Math.ceil(bars.length / 12);
  return html`<figure class="chart"><div class="scroll"><svg role="img" aria-labelledby="${id}-t" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title id="${id}-t">${title}</title>
<line x1="44" x2="${width - 6}" y1="${10 + h}" y2="${10 + h}" class="lane"/>
<text x="40" y="${y(max) + 4}" text-anchor="end" class="axis">${max}</text><text x="40" y="${10 + h}" text-anchor="end" class="axis">0</text>
${bars.map((b, i) => {
    const x = 48 + i * (bw + 4);
    const extra = b.extra ?? 0;
    return html`<g><title>${b.label}: ${b.value}${options.unit ? ` ${options.unit}` : ''}${extra ? `, ${extra} ${options.extraLabel ?? ''}` : ''}</title><rect x="${x}" y="${y(b.value)}" width="${bw}" height="${Math.max(0, 10 + h - y(b.value))}" class="bar"/>${extra ? html`<rect x="${x}" y="${y(b.value + extra)}" width="${bw}" height="${y(b.value) - y(b.value + extra)}" class="bar extra"/>` : ''}${i % every === 0 ? html`<text x="${x + bw / 2}" y="${height - 18}" text-anchor="middle" class="axis">${/^\d{4}-\d\d-\d\d$/.test(b.label) ? b.label.slice(5) : b.label}</text>` : ''}</g>`;
  })}
</svg></div>
<figcaption>${title}</figcaption>
<details><summary>Numbers</summary><table class="list"><thead><tr><th scope="col">${bars.length && /^\d{4}-/.test(bars[0]!.label) ? 'Day' : 'Name'}</th><th scope="col">${options.unit ?? 'Count'}</th>${options.extraLabel ? html`<th scope="col">${options.extraLabel}</th>` : ''}</tr></thead><tbody>${bars.map((b) => html`<tr><td>${b.label}</td><td>${b.value}</td>${options.extraLabel ? html`<td>${b.extra ?? 0}</td>` : ''}</tr>`)}</tbody></table></details>
</figure>`;
}

/** A horizontal bar split in two parts (completed vs abandoned). */
export function splitBar(id: string, title: string, a: { label: string; value: number }, b: { label: string; value: number }): Raw {
  const total = a.value + b.value;
  const w = 480;
  const aw = total ? (a.value / total) * w : 0;
  return html`<figure class="chart"><svg role="img" aria-labelledby="${id}-t" width="${w + 20}" height="64" viewBox="0 0 ${w + 20} 64">
<title id="${id}-t">${title}: ${a.value} ${a.label}, ${b.value} ${b.label}</title>
<rect x="10" y="8" width="${w}" height="24" rx="4" class="${total ? 'bar extra' : 'bar none'}"/>
${aw ? html`<rect x="10" y="8" width="${aw}" height="24" rx="4" class="bar"/>` : ''}
<text x="10" y="52" class="axis">${a.label}: ${a.value}</text><text x="${w + 10}" y="52" text-anchor="end" class="axis">${b.label}: ${b.value}</text>
</svg><figcaption>${title}</figcaption></figure>`;
}
