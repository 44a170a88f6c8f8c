/** The session page: TL;DR, a drawn timeline of every event, then each part of the session model. Pure. */
import { eventSummary, type JournalEvent } from '../../src/events.js';
import { type Session } from '../sessions.js';
import { currentStepOf, orderedSteps, progressFraction } from '../steps.js';
import { numbered, tldrParagraph } from './dashboard.js';
import { esc, html, minute, page, raw, statusBadge, type Raw } from './layout.js';

export const lanes = ['session', 'progress', 'decision', 'discovery', 'blocker', 'item', 'commit', 'agent', 'tool', 'message'] as const;
export type Lane = (typeof lanes)[number];

/** Which row of the timeline an event is drawn on. */
export function laneOf(e: JournalEvent): Lane {
  switch (e.type) {
    case 'session.started':
    case 'session.paused':
    case 'session.resumed':
    case 'session.checkpointed':
    case 'session.compacted':
    case 'session.closed':
    case 'subsession.started':
    case 'subsession.ended':
    case 'transcript.linked':
      return 'session';
    case 'progress':
    case 'next':
    case 'context':
    case 'state.set':
      return 'progress';
    case 'decision':
      return 'decision';
    case 'discovery':
      return 'discovery';
    case 'blocker':
    case 'blocker.resolved':
      return 'blocker';
    case 'item.linked':
    case 'items.migrated':
      return 'item';
    case 'commit.linked':
      return 'commit';
    case 'agent.started':
    case 'agent.finished':
      return 'agent';
    case 'tool.used':
      return 'tool';
    case 'message.sent':
    case 'message.read':
    case 'redaction':
      return 'message';
    default: {
      const never: never = e;
      return never;
    }
  }
}

const LANE_H = 26;
const LEFT = 92;
/** Room for the two dates under the lanes (each `2026-12-01 20:13`, about 100px at 11px), so a short session's axis stays readable. */
const AXIS_W = 230;

/** Every event as a mark on its lane, in journal order; compactions as a line across all lanes. */
export function timelineSvg(events: readonly JournalEvent[]): Raw {
  const n = events.length;
  const step = n ? Math.max(7, Math.min(28, 900 / n)) : 28;
  const width = Math.ceil(LEFT + Math.max(20 + Math.max(1, n) * step, AXIS_W));
  const height = lanes.length * LANE_H + 34;
  const x = (i: number) => LEFT + 10 + i * step;
  const first = events[0];
  const last = events.at(-1);
  const marks = events.map((e, i) => {
    const lane = laneOf(e);
    const y = lanes.indexOf(lane) * LANE_H + LANE_H / 2 + 4;
    const failed = e.type === 'tool.used' && !e.data.success;
    const label = `${minute(e.at)} ${e.type}: ${eventSummary(e)}`;
    const shape =
      e.type === 'decision'
        ? html`<rect x="${x(i) - 5}" y="${y - 5}" width="10" height="10" transform="rotate(45 ${x(i)} ${y})" class="mk l-${lane}"/>`
        : e.type === 'blocker.resolved'
          ? html`<circle cx="${x(i)}" cy="${y}" r="5" class="mk l-${lane} hollow"/>`
          : html`<circle cx="${x(i)}" cy="${y}" r="${lane === 'tool' ? 3.5 : 5}" class="mk l-${lane}${failed ? ' failed' : ''}"/>`;
    const compaction = e.type === 'session.compacted' && e.data.of === undefined ? html`<line x1="${x(i)}" x2="${x(i)}" y1="2" y2="${lanes.length * LANE_H + 4}" class="compaction"/>` : '';
    return html`${compaction}<a href="#e-${e.id}" class="ev" data-type="${e.type}"><title>${label}</title>${shape}</a>`;
  });
  return html`<figure class="timeline">
<div class="scroll"><svg role="img" aria-labelledby="tl-title tl-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title id="tl-title">Timeline of ${n} events</title>
<desc id="tl-desc">One mark per event from ${minute(first?.at)} to ${minute(last?.at)}, one row per kind; dashed lines are compactions. The list below has every event.</desc>
${lanes.map((l, i) => html`<g><line x1="${LEFT}" x2="${width - 4}" y1="${i * LANE_H + LANE_H / 2 + 4}" y2="${i * LANE_H + LANE_H / 2 + 4}" class="lane"/><text x="4" y="${i * LANE_H + LANE_H / 2 + 8}" class="lane-label">${l}</text></g>`)}
${marks}
<text x="${LEFT}" y="${height - 6}" class="axis">${minute(first?.at)}</text>
${minute(last?.at) !== minute(first?.at) ? html`<text x="${width - 4}" y="${height - 6}" class="axis" text-anchor="end">${minute(last?.at)}</text>` : ''}
</svg></div>
<figcaption>Each mark links to the event below. ◆ decision · ○ resolved blocker · dashed line: compaction.</figcaption>
</figure>`;
}

export interface SessionPageInput {
  repo: string;
  base: string;
  session: Session;
  events: readonly JournalEvent[];
  items: ReadonlyArray<{ key: string; status: string; note?: string }>;
  live: string;
  notices?: string[];
  /** The session's commits, newest first (projections/commits.ts), each with what became of it. */
  commits?: ReadonlyArray<{ commit: string; subject: string; at: string; note?: string }>;
}

/** Done steps, the one current step, then the remaining ones; each step's notes under it. */
function progressList(steps: ReturnType<typeof orderedSteps>): Raw {
  const all = [...steps.done, ...(steps.current ? [steps.current] : []), ...steps.remaining];
  if (!all.length) return html`<p class="empty">No steps yet.</p>`;
  const row = (st: (typeof all)[number]) => {
    const isCurrent = st === steps.current;
    const mark = st.status === 'done' ? '✓' : isCurrent ? '▶' : '○';
    const notes = st.notes.length ? html`<ul class="notes">${st.notes.map((n) => html`<li>${n.text} <time datetime="${n.at}">${minute(n.at)}</time></li>`)}</ul>` : '';
    return html`<li class="step-${st.status}${isCurrent ? ' current' : ''}"><span class="mark" aria-hidden="true">${mark}</span> ${st.text}${isCurrent ? html` <strong>current</strong>` : st.status === 'todo' ? html` <span class="muted">remaining</span>` : ''} <time datetime="${st.doneAt ?? st.at}">${minute(st.doneAt ?? st.at)}</time>${notes}</li>`;
  };
  return html`<ol class="steps">${all.map(row)}</ol>`;
}

const section = (id: string, title: string, body: Raw | string, count?: number) =>
  html`<section aria-labelledby="${id}"><h2 id="${id}">${title}${count !== undefined ? html` <span class="count">${count}</span>` : ''}</h2>${body}</section>`;

export function renderSessionPage(input: SessionPageInput): string {
  const { session: s, events, base } = input;
  const { done, total } = progressFraction(s);
  const current = currentStepOf(s)?.step;
  const blockers = numbered(s);
  const tools = new Map<string, { calls: number; failures: number; ms: number }>();
  for (const e of events) {
    if (e.type !== 'tool.used') continue;
    const t = tools.get(e.data.tool) ?? { calls: 0, failures: 0, ms: 0 };
    t.calls++;
    if (!e.data.success) t.failures++;
    t.ms += e.data.durationMs ?? 0;
    tools.set(e.data.tool, t);
  }
  const steps = orderedSteps(s);
  const body = html`<nav aria-label="Breadcrumb" class="crumbs"><a href="/">Dashboard</a> › <span>${input.repo}</span> › <span aria-current="page">${s.stable}</span></nav>
<h1>${s.title} ${statusBadge(s.status)}</h1>
<p class="meta"><span>${s.id}</span> · <span>${s.shortname}</span> · started by ${s.startedBy.name}${s.startedBy.agent ? ` (${s.startedBy.agent})` : ''} · ${minute(s.createdAt)} → ${minute(s.updatedAt)}${s.gitBranch ? html` · ⎇ ${s.gitBranch}${s.gitCommit ? ` @ ${s.gitCommit.slice(0, 8)}` : ''}` : ''}${s.compactionCount ? ` · ${s.compactionCount} compaction${s.compactionCount === 1 ? '' : 's'}` : ''}</p>
${section('tldr-h', 'TL;DR', html`<p class="tldr">${tldrParagraph(s)}</p><dl class="facts"><div><dt>Progress</dt><dd><meter min="0" max="${Math.max(total, 1)}" value="${done}" aria-label="${done} of ${total} steps">${done}/${total}</meter> ${done}/${total} steps</dd></div><div><dt>Current</dt><dd>${current ? current.text : 'none'}</dd></div><div><dt>Blockers</dt><dd>${blockers.length ? blockers.map((b) => html`<span class="num">#${b.n}</span> ${b.text} `) : 'None'}</dd></div></dl>${s.closed ? html`<p>Closed ${minute(s.closed.at)} as <strong>${s.closed.outcome}</strong>${s.closed.reason ? `: ${s.closed.reason}` : ''}${s.closed.summary ? ` — ${s.closed.summary}` : ''}</p>${s.closed.learnings.length ? html`<ul>${s.closed.learnings.map((l) => html`<li>${l}</li>`)}</ul>` : ''}` : ''}`)}
${section('tl-h', 'Timeline', timelineSvg(events), events.length)}
${section('progress-h', 'Progress', progressList(steps), steps.done.length + (steps.current ? 1 : 0) + steps.remaining.length)}
${section('dec-h', 'Decisions', s.decisions.length ? html`<ol class="decisions">${s.decisions.map((d) => html`<li id="d-${d.id}"${raw(d.supersededBy ? ' class="superseded"' : '')}><p class="what">${d.text} <time datetime="${d.at}">${minute(d.at)}</time></p><p class="why"><strong>Rationale:</strong> ${d.rationale ?? 'not recorded'}</p>${d.options?.length ? html`<p><strong>Options:</strong></p><ul class="options">${d.options.map((o) => html`<li${raw(o === d.text ? ' class="chosen"' : '')}>${o}</li>`)}</ul>` : ''}${d.supersededBy ? html`<p class="muted">superseded by a later decision</p>` : ''}</li>`)}</ol>` : html`<p class="empty">None yet.</p>`, s.decisions.length)}
${section('disc-h', 'Discoveries', s.discoveries.length ? html`<ol>${s.discoveries.map((d) => html`<li><p>${d.text} <time datetime="${d.at}">${minute(d.at)}</time></p>${d.evidence ? html`<p class="evidence"><strong>Evidence:</strong> ${d.evidence}</p>` : ''}</li>`)}</ol>` : html`<p class="empty">None yet.</p>`, s.discoveries.length)}
${section('blk-h', 'Blockers', s.blockers.length ? html`<ul class="blockers">${s.blockers.map((b) => html`<li${raw(b.resolvedAt ? ' class="resolved"' : '')}><span class="num">#${b.number}</span> ${b.resolvedAt ? html`<s>${b.text}</s> resolved ${minute(b.resolvedAt)}${b.resolution ? `: ${b.resolution}` : ''}` : html`${b.text} <span class="muted">since ${minute(b.at)}</span>`}</li>`)}</ul>` : html`<p class="empty">None.</p>`, blockers.length)}
${section('commits-h', 'Commits', input.commits?.length ? html`<ul class="commits">${input.commits.map((c) => html`<li><code>${c.commit.slice(0, 12)}</code> ${c.subject} <time datetime="${c.at}">${minute(c.at)}</time>${c.note ? html` <span class="muted">${c.note}</span>` : ''}</li>`)}</ul>` : html`<p class="empty">No commits recorded.</p>`, input.commits?.length ?? 0)}
${section('items-h', 'Items', input.items.length ? html`<ul>${input.items.map((i) => html`<li><a href="${base}/items/${encodeURIComponent(i.key)}">${i.key}</a> <span class="muted">${i.status}</span>${i.note ? ` — ${i.note}` : ''}</li>`)}</ul>` : html`<p class="empty">No linked items.</p>`, input.items.length)}
${section('agents-h', 'Subagents', s.agents.length ? html`<table class="list"><thead><tr><th scope="col">Agent</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Result</th></tr></thead><tbody>${s.agents.map((a) => html`<tr><td>${a.agentType} <span class="muted">${a.agentId}</span></td><td>${minute(a.startedAt)}</td><td>${minute(a.finishedAt)}</td><td>${a.result ?? ''}${a.costUsd !== undefined ? ` ($${a.costUsd.toFixed(2)})` : ''}</td></tr>`)}</tbody></table>` : html`<p class="empty">None.</p>`, s.agents.length)}
${section('tools-h', 'Tool use', tools.size ? html`<table class="list"><thead><tr><th scope="col">Tool</th><th scope="col">Calls</th><th scope="col">Failures</th><th scope="col">Total time</th></tr></thead><tbody>${[...tools].sort((a, b) => b[1].calls - a[1].calls).map(([name, t]) => html`<tr><td>${name}</td><td>${t.calls}</td><td>${t.failures}</td><td>${(t.ms / 1000).toFixed(1)} s</td></tr>`)}</tbody></table>` : html`<p class="empty">No tool use recorded.</p>`, s.tools.calls)}
${section('comp-h', 'Compactions', s.compactions.length ? html`<ol>${s.compactions.map((c) => html`<li>${minute(c.at)} (${c.trigger})${c.summary ? `: ${c.summary}` : ''}</li>`)}</ol>` : html`<p class="empty">None.</p>`, s.compactionCount)}
${s.context.objective || s.context.keyFiles.length || s.context.keyFacts.length ? section('ctx-h', 'Context', html`${s.context.objective ? html`<p><strong>Objective:</strong> ${s.context.objective}</p>` : ''}${s.context.keyFiles.length ? html`<p><strong>Key files:</strong> ${s.context.keyFiles.map((f) => html`<code>${f}</code> `)}</p>` : ''}${s.context.keyFacts.length ? html`<ul>${s.context.keyFacts.map((f) => html`<li>${f}</li>`)}</ul>` : ''}`) : ''}
${section('ev-h', 'Every event', html`<ol class="events">${events.map((e) => html`<li id="e-${e.id}"><time datetime="${e.at}">${minute(e.at)}</time> <span class="type l-${laneOf(e)}">${e.type}</span> <span class="text">${eventSummary(e)}</span> <span class="muted">${e.actor.name}${e.actor.agent ? ` · ${e.actor.agent}` : ''}</span></li>`)}</ol>`, events.length)}`;
  return page({ title: `${s.title} (${s.stable})`, nav: 'session', base, body, live: input.live, ...(input.notices ? { notices: input.notices } : {}) });
}

export { esc };
