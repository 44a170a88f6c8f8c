/** The dashboard: active and recent sessions of every repository, as cards. Pure. */
import { openBlockers, type Session } from '../sessions.js';
import { currentStepOf, progressFraction } from '../steps.js';
import { tldr } from '../resume.js';
import { html, minute, page, raw, statusBadge, type Raw } from './layout.js';

export interface RepoSync {
  remote: string;
  running: boolean;
  lastAt?: string;
  lastOk?: string;
  error?: string;
}

export interface DashboardRepo {
  name: string;
  /** Path prefix of this repository's pages. */
  base: string;
  open: Session[];
  recent: Session[];
  sync?: RepoSync;
}

/** The TL;DR paragraph of the session file (its first paragraph). */
export const tldrParagraph = (s: Session): string => tldr(s).split('\n\n')[0]!;

/** Blockers keep the number they were raised with (SPEC 6). */
export const numbered = (s: Session) => openBlockers(s).map((b) => ({ n: b.number, text: b.text, at: b.at }));

const agentOf = (s: Session) => s.startedBy.agent ?? s.startedBy.name;

export function sessionCard(s: Session, repo: DashboardRepo, multi: boolean): Raw {
  const { done, total } = progressFraction(s);
  const current = currentStepOf(s)?.step;
  const blockers = numbered(s);
  const href = `${repo.base}/sessions/${encodeURIComponent(s.id)}`;
  return html`<article class="card" aria-labelledby="t-${s.id}" data-session="${s.id}">
<header><h3 id="t-${s.id}"><a href="${href}">${s.title}</a></h3>${statusBadge(s.status)}</header>
<p class="meta">${multi ? html`<span class="repo">${repo.name}</span> · ` : ''}<span>${s.stable}</span> · <span title="agent">${agentOf(s)}</span>${s.gitBranch ? html` · <span title="branch">⎇ ${s.gitBranch}</span>` : ''} · <time datetime="${s.updatedAt}">${minute(s.updatedAt)}</time></p>
<p class="tldr">${tldrParagraph(s)}</p>
<dl class="facts">
<div><dt>Progress</dt><dd><meter min="0" max="${Math.max(total, 1)}" value="${done}" aria-label="${done} of ${total} steps">${done}/${total}</meter> ${done}/${total} steps</dd></div>
<div><dt>Current</dt><dd>${current ? current.text : 'none'}</dd></div>
${s.lastWords ? html`<div><dt>Latest</dt><dd>${s.lastWords.text} <time datetime="${s.lastWords.at}">${minute(s.lastWords.at)}</time></dd></div>` : ''}
<div><dt>Blockers</dt><dd>${blockers.length ? html`<ul class="blockers">${blockers.map((b) => html`<li><span class="num">#${b.n}</span> ${b.text}</li>`)}</ul>` : 'None'}</dd></div>
</dl>
</article>`;
}

export function renderDashboard(repos: DashboardRepo[], options: { live: string; notices?: string[] }): string {
  const multi = repos.length > 1;
  const open = repos.flatMap((r) => r.open.map((s) => ({ s, r })));
  const recent = repos.flatMap((r) => r.recent.map((s) => ({ s, r }))).sort((a, b) => (a.s.updatedAt < b.s.updatedAt ? 1 : -1)).slice(0, 12);
  const syncs = repos.filter((r) => r.sync);
  const body = html`<h1>Sessions</h1>
${syncs.length ? html`<section aria-labelledby="sync-h" class="sync"><h2 id="sync-h">Sync</h2><ul>${syncs.map((r) => html`<li>${r.name} ⇄ ${r.sync!.remote}: ${r.sync!.running ? 'syncing…' : r.sync!.error ? html`<strong class="bad">failed ${minute(r.sync!.lastAt)}: ${r.sync!.error}</strong>` : r.sync!.lastOk ? html`ok ${minute(r.sync!.lastOk)}` : 'not yet'}</li>`)}</ul></section>` : ''}
<section aria-labelledby="open-h"><h2 id="open-h">Active and paused <span class="count">${open.length}</span></h2>
${open.length ? html`<div class="cards">${open.map(({ s, r }) => sessionCard(s, r, multi))}</div>` : html`<p class="empty">No open session. Start one with <code>logbook start --goal "…"</code>.</p>`}
</section>
<section aria-labelledby="recent-h"><h2 id="recent-h">Recently closed</h2>
${recent.length ? html`<table class="list"><caption class="sr-only">Recently closed sessions</caption><thead><tr><th scope="col">Session</th>${multi ? html`<th scope="col">Repository</th>` : ''}<th scope="col">Outcome</th><th scope="col">Agent</th><th scope="col">Branch</th><th scope="col">Closed</th></tr></thead><tbody>${recent.map(({ s, r }) => html`<tr><td><a href="${r.base}/sessions/${encodeURIComponent(s.id)}">${s.title}</a> <span class="muted">${s.stable}</span></td>${multi ? html`<td>${r.name}</td>` : ''}<td>${statusBadge(s.status)}</td><td>${agentOf(s)}</td><td>${s.gitBranch ?? ''}</td><td><time datetime="${s.updatedAt}">${minute(s.updatedAt)}</time></td></tr>`)}</tbody></table>` : html`<p class="empty">None yet.</p>`}
</section>`;
  return page({ title: 'Dashboard', nav: 'dashboard', base: '', body, live: options.live, ...(options.notices ? { notices: options.notices } : {}) });
}

export { raw };
