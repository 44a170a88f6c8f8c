/** The web view's pure renderers: every text escaped, every event on a lane, the chain drawn. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTypes, type JournalEvent } from '../../../src/events.js';
import { projectItems } from '../../../projections/items.js';
import { projectSessions } from '../../../projections/sessions.js';
import { renderDashboard } from '../../../projections/html/dashboard.js';
import { chainSvg } from '../../../projections/html/item.js';
import { esc, html } from '../../../projections/html/layout.js';
import { lanes, laneOf, renderSessionPage, timelineSvg } from '../../../projections/html/session.js';
import { STYLESHEET } from '../../../projections/html/assets.js';
import { barChart, splitBar } from '../../../projections/html/charts.js';
import { dailyActivity, renderStatsPage, searchResults } from '../../../projections/html/pages.js';
import { renderStats } from '../../../projections/stats.js';
import { ev } from '../../helpers/events.js';

const S = '20260102_1000_abcd';
const EVIL = `<script>alert("x")</script>' onmouseover='y`;

function events(text: string): JournalEvent[] {
  return [
    ev({ type: 'session.started', session: S, data: { title: text, shortname: 'evil', taskIds: ['1'], meta: {}, gitBranch: text } }),
    ev({ type: 'item.linked', session: S, data: { key: 'task:1', action: 'created', note: text } }),
    ev({ type: 'decision', session: S, data: { text, rationale: text, options: [text, 'b'] } }),
    ev({ type: 'discovery', session: S, data: { text, evidence: text } }),
    ev({ type: 'blocker', session: S, data: { text } }),
    ev({ type: 'progress', session: S, data: { text, status: 'current' } }),
    ev({ type: 'tool.used', session: S, data: { tool: text, success: false, durationMs: 5 } }),
    ev({ type: 'session.compacted', session: S, data: { trigger: 'auto', summary: text } }),
  ];
}

function sessionPage(text: string): string {
  const evs = events(text);
  const model = projectSessions(evs);
  const s = model.sessions.get(S)!;
  return renderSessionPage({ repo: text, base: '', session: s, events: evs, items: [{ key: 'task:1', status: 'created', note: text }], live: '/api/events/stream' });
}

describe('web view renderers', () => {
  it('escape every text they show: no markup from the journal survives', () => {
    const page = sessionPage(EVIL);
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain("' onmouseover='");
    expect(page).toContain(esc(EVIL));
    // The only scripts are the page's own.
    expect(page.match(/<script\b[^>]*>/g)).toEqual(['<script src="/assets/app.js" defer>']);
    const evs = events(EVIL);
    const dash = renderDashboard([{ name: EVIL, base: '', open: [projectSessions(evs).sessions.get(S)!], recent: [] }, { name: 'b', base: '/repos/b', open: [], recent: [] }], { live: '/api/events/stream', notices: [EVIL] });
    expect(dash).not.toContain('<script>alert');
    const stats = renderStatsPage({ repo: EVIL, base: '', stats: renderStats(projectSessions(evs)), activity: dailyActivity(evs), live: '/x' });
    expect(stats).not.toContain('<script>alert');
  });

  it('escapes any text at all (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (text) => {
        const escaped = esc(text);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toMatch(/[<>"']/);
        expect(html`<p title="${text}">${text}</p>`.html).toBe(`<p title="${escaped}">${escaped}</p>`);
      }),
    );
  });

  it('puts every event type on a lane and draws one mark per event, with compactions across the lanes', () => {
    for (const type of eventTypes) expect(lanes, type).toContain(laneOf({ type } as JournalEvent));
    const page = sessionPage('x');
    expect(page.match(/<a href="#e-[^"]+" class="ev"/g)).toHaveLength(8);
    expect(page.match(/class="compaction"/g)).toHaveLength(1);
    expect(page).toContain('class="mk l-tool failed"');
    expect(page).toContain('<span class="num">#1</span>');
  });

  it('gives a short session’s timeline room for its time axis: the two dates never overlap, one date when they are the same minute', () => {
    const axis = (svg: string) => [...svg.matchAll(/<text x="(\d+(?:\.\d+)?)" y="\d+" class="axis"( text-anchor="end")?>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), end: Boolean(m[2]), text: m[3]! }));
    const started = ev({ type: 'session.started', session: S, data: { title: 't', shortname: 't', taskIds: [], meta: {} } }, { at: '2026-01-02T10:00:00.000Z' });
    const one = axis(timelineSvg([started]).html);
    expect(one.map((l) => l.text)).toEqual(['2026-01-02 10:00']);
    for (const n of [2, 3, 5]) {
      const evs = [started, ...Array.from({ length: n - 1 }, (_, i) => ev({ type: 'progress', session: S, data: { text: 'p', status: 'current' } }, { at: `2026-01-02T1${i + 1}:00:00.000Z` }))];
      const [first, last] = axis(timelineSvg(evs).html);
      expect([first!.end, last!.end]).toEqual([false, true]);
      // 11px labels of 16 characters are at most ~100px wide each.
      expect(last!.x - first!.x, `${n} events`).toBeGreaterThanOrEqual(2 * 100 + 12);
    }
  });

  it('colours the marks of every lane (the stylesheet has a fill for each)', () => {
    for (const lane of lanes) expect(STYLESHEET, lane).toContain(`svg .l-${lane}{fill:var(--l-${lane})}`);
    for (const lane of lanes) expect(STYLESHEET, lane).toMatch(new RegExp(`--l-${lane}:#[0-9a-f]{6}[;}][^@]*@media \\(prefers-color-scheme:dark\\)[^]*--l-${lane}:#[0-9a-f]{6}`));
  });

  it('draws an empty journal’s stats as empty, not as every session abandoned', () => {
    const split = splitBar('cr', 'Completion rate', { label: 'completed', value: 0 }, { label: 'abandoned', value: 0 }).html;
    expect(split).not.toContain('class="bar extra"');
    expect(splitBar('cr', 'c', { label: 'completed', value: 0 }, { label: 'abandoned', value: 2 }).html).toContain('class="bar extra"');
    const none = barChart('spd', 'Sessions started per day', [], { unit: 'sessions' }).html;
    expect(none).not.toContain('<svg');
    expect(none).toContain('Nothing recorded yet');
  });

  it('a summary written for a compaction counted before (`of`) is no second compaction: one line on the page, one in the day\'s count', () => {
    const evs = events('x');
    const counted = evs.at(-1)!;
    evs.push(ev({ type: 'session.compacted', session: S, data: { trigger: 'auto', summary: 'later summary', of: counted.id } }));
    const s = projectSessions(evs).sessions.get(S)!;
    const page = renderSessionPage({ repo: 'r', base: '', session: s, events: evs, items: [], live: '/x' });
    expect(page.match(/class="compaction"/g)).toHaveLength(1);
    expect(dailyActivity(evs).days.reduce((n, d) => n + d.compactions, 0)).toBe(1);
  });

  it('renders search hits with the match marked and everything else escaped', () => {
    const out = searchResults({ query: 'pratt', total: 3, hits: [{ id: 'E1', type: 'decision', at: '2026-01-02T10:00:00.000Z', snippet: 'Use a **Pratt** parser <b>', session: { id: S, stable: 's_abcd', shortname: 'parser' } }] }, '').html;
    expect(out).toContain('<mark>Pratt</mark>');
    expect(out).toContain('&lt;b&gt;');
    expect(out).toContain(`href="/sessions/${S}#e-E1"`);
    expect(searchResults({ query: '<x>', total: 0, hits: [] }, '').html).toContain('&lt;x&gt;');
    // The count reads as English: "the best N" only when some are left out.
    expect(out).toContain('<p>3 events match; the best 1:</p>');
    const hit = { id: 'E1', type: 'decision', at: '2026-01-02T10:00:00.000Z', snippet: 'x' };
    expect(searchResults({ query: 'x', total: 1, hits: [hit] }, '').html).toContain('<p>1 event matches:</p>');
    expect(searchResults({ query: 'x', total: 2, hits: [hit, { ...hit, id: 'E2' }] }, '').html).toContain('<p>2 events match:</p>');
    // A hit from another repository of the server links to that repository's pages.
    expect(searchResults({ query: 'x', total: 1, hits: [{ ...hit, repo: 'api', session: { id: S, stable: 's_abcd', shortname: 'p' } }] }, '/repos/web').html).toContain(`href="/repos/api/sessions/${S}#e-E1"`);
  });

  it('draws the chain of an item as one box per session and one arrow per migration', () => {
    const B = '20260102_1100_efgh';
    const evs = [
      ...events('x'),
      ev({ type: 'session.started', session: B, data: { title: 'next', shortname: 'next', taskIds: [], meta: {} } }),
      ev({ type: 'items.migrated', session: B, data: { from: S, to: B, keys: ['task:1'] } }),
    ];
    const item = projectItems(evs).items.get('task:1')!;
    const svg = chainSvg(item, [{ id: S, stable: 's_abcd', title: 'x', status: 'active' }, { id: B, stable: 's_efgh', title: 'next', status: 'active' }], '').html;
    expect(svg.match(/<g class="node/g)).toHaveLength(2);
    expect(svg.match(/class="edge"/g)).toHaveLength(1);
    expect(svg).toContain('s_abcd · origin');
    expect(svg).toContain('href="/sessions/20260102_1100_efgh"');
  });
});
