/**
 * Properties of whole journals as several agents write them at once
 * (test/helpers/journalArb.ts: interleaved sessions on their own replicas,
 * steps, blocker resolutions by number, superseding decisions, subsessions,
 * redactions of earlier events):
 *
 * - redacted text appears in no output: not in any file of a rebuild, the
 *   resume context, the web page of a session, `since`, the one-line event
 *   summaries (`log-tail`, the web timeline), nor the search index;
 * - a blocker keeps the number it was raised with whatever else was resolved,
 *   and a superseded decision is shown as superseded, in every view;
 * - folding is incremental: the state folded from any prefix, saved as JSON
 *   (as the views cache keeps it) and read back, then fed the rest, is the
 *   state folded at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSummary, type JournalEvent } from '../../src/events.js';
import { corpusOf } from '../../src/search/corpus.js';
import { agendaFor, projectAgenda } from '../../projections/agenda.js';
import { renderSessionPage } from '../../projections/html/session.js';
import { deserializeItems, itemsProjection, projectItems, serializeItems, sessionItems } from '../../projections/items.js';
import { prepare } from '../../projections/order.js';
import { rebuildPlan } from '../../projections/rebuild.js';
import { renderResume } from '../../projections/resume.js';
import { renderSessionFile } from '../../projections/sessionFile.js';
import { evolveSessions, projectSessions, type Session, type SessionsState } from '../../projections/sessions.js';
import { projectSince, renderSinceMarkdown, sinceLines } from '../../projections/since.js';
import { TOKEN, chunks, journalArb, splitsArb } from '../helpers/journalArb.js';

/** Every text a person or agent can be shown from these events, each under a label that says where it is from. */
function everyOutput(ordered: readonly JournalEvent[]): Map<string, string> {
  const labelled = new Map<string, string>();
  for (const [file, text] of rebuildPlan(ordered)) labelled.set(`rebuild ${file}`, text);
  const model = projectSessions(ordered);
  const items = projectItems(ordered);
  for (const s of model.sessions.values()) {
    const mine = ordered.filter((e) => e.session === s.id);
    labelled.set(`resume ${s.id}`, renderResume({ session: s, messages: model.messages, items: sessionItems(items, s.id), budget: 1_000_000 }));
    labelled.set(`web page ${s.id}`, renderSessionPage({ repo: 'r', base: '/', session: s, events: mine, items: sessionItems(items, s.id), live: '' }));
    labelled.set(`view --json ${s.id}`, JSON.stringify(s));
  }
  const since = projectSince(ordered, 0, model, { limit: 10_000 });
  labelled.set('since', [renderSinceMarkdown(since, 'Since'), ...sinceLines(since)].join('\n'));
  labelled.set('event summaries (log-tail, web timeline)', ordered.map(eventSummary).join('\n'));
  const corpus = corpusOf(ordered, {});
  labelled.set('search index', JSON.stringify(corpus.segments, (_k, v: unknown) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)));
  return labelled;
}

/** The session file's blocker lines: `[x] 2` for a resolved #2. */
function fileBlockers(file: string): string[] {
  const part = file.slice(file.indexOf('## Blockers\n') + 12).split('\n## ')[0]!;
  return part
    .split('\n')
    .filter((l) => l.startsWith('- ['))
    .map((l) => /^- \[( |x)\] #(\d+) /.exec(l)!.slice(1).join(' '));
}

const revive = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A sessions state as the views cache keeps it: sessions as JSON, the maps as lists. */
function roundTrip(state: SessionsState): SessionsState {
  return {
    sessions: new Map([...state.sessions].map(([id, s]) => [id, revive(s)])),
    order: revive(state.order),
    clientBindings: new Map(revive([...state.clientBindings])),
    messages: revive(state.messages),
    eventCount: state.eventCount,
    actors: new Map(revive([...state.actors])),
  };
}

describe('journals of concurrent sessions', () => {
  it('redacted text appears in no view, file, summary or search index', () => {
    fc.assert(
      fc.property(journalArb(), (built) => {
        const ordered = prepare(built.events);
        const outputs = everyOutput(ordered);
        const hidden = new Set([...built.hidden.values()].flat());
        const leaked = [...outputs].flatMap(([where, text]) => [...new Set(text.match(TOKEN) ?? [])].filter((t) => hidden.has(t)).map((t) => `${t} in ${where}`));
        expect(leaked, 'text of redacted events').toEqual([]);
        const all = [...outputs.values()].join('\n');
        // The tokens no redaction hid are still there (the check above looks at real output).
        const shown = built.events.filter((e) => e.type === 'decision' && !built.hidden.has(e.id)).flatMap((e) => (e.data as { text: string }).text.match(TOKEN) ?? []);
        for (const t of shown) expect(all).toContain(t);
      }),
      { numRuns: 150 },
    );
  });

  it('blockers keep their numbers and superseded decisions show as superseded, in every session', () => {
    fc.assert(
      fc.property(journalArb(), (built) => {
        const ordered = prepare(built.events);
        const model = projectSessions(ordered);
        const agenda = projectAgenda(ordered);
        for (const lane of built.lanes) {
          const s = model.sessions.get(lane.session)!;
          const raised = built.blockers.get(lane.session)!;
          const redacted = (id: string) => built.hidden.has(id);
          expect(s.blockers.map((b) => [b.number, b.id, Boolean(b.resolvedAt)])).toEqual(raised.map((b, i) => [i + 1, b.id, b.resolved]));
          const file = renderSessionFile(s);
          expect(fileBlockers(file)).toEqual(raised.map((b, i) => `${b.resolved ? 'x' : ' '} ${i + 1}`));
          const open = raised.map((b, i) => ({ ...b, n: i + 1 })).filter((b) => !b.resolved);
          expect(agendaFor(agenda, lane.session).blockers.filter((b) => b.startsWith('#'))).toEqual(open.map((b) => `#${b.n} ${redacted(b.id) ? '[redacted]' : b.text}`));
          const resume = renderResume({ session: s, budget: 1_000_000 });
          const resumeBlockers = resume.includes('## Open blockers\n') ? resume.split('## Open blockers\n')[1]!.split('\n\n')[0]!.split('\n') : [];
          expect(resumeBlockers.map((l) => Number(/^- #(\d+) /.exec(l)![1]))).toEqual(open.map((b) => b.n));

          const decided = built.decisions.get(lane.session)!;
          expect(s.decisions.map((d) => [d.id, d.supersededBy])).toEqual(decided.map((d) => [d.id, d.supersededBy]));
          const headings = file.split('\n').filter((l) => /^### \d+\. /.test(l));
          expect(headings).toHaveLength(decided.length);
          for (const [i, d] of decided.entries()) {
            const by = d.supersededBy ? decided.findIndex((x) => x.id === d.supersededBy) + 1 : 0;
            if (by) expect(headings[i]).toMatch(new RegExp(` — superseded by #${by}$`));
            else expect(headings[i]).not.toMatch(/superseded/);
            // The resume context lists decisions still in force only.
            if (!redacted(d.id)) {
              if (d.supersededBy) expect(resume).not.toContain(d.text);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('folding from any prefix saved as JSON, then the rest, equals folding at once', () => {
    fc.assert(
      fc.property(journalArb(), splitsArb(), (built, at) => {
        const ordered = prepare(built.events);
        const whole = projectSessions(ordered);
        let state = roundTrip(projectSessions([]));
        let items = deserializeItems(serializeItems(projectItems([])));
        for (const part of chunks(ordered, at)) {
          for (const e of part) {
            evolveSessions(state, e);
            itemsProjection.evolve(items, e);
          }
          state = roundTrip(state);
          items = deserializeItems(revive(serializeItems(items)));
        }
        const plain = (x: SessionsState) => ({ sessions: [...x.sessions].map(([id, s]) => [id, revive(s) as Session]), order: x.order, bindings: [...x.clientBindings], messages: x.messages, count: x.eventCount });
        expect(plain(state)).toEqual(plain(whole));
        expect(serializeItems(items)).toEqual(revive(serializeItems(projectItems(ordered))));
        for (const id of whole.order) expect(renderSessionFile(state.sessions.get(id)!)).toBe(renderSessionFile(whole.sessions.get(id)!));
      }),
      { numRuns: 150 },
    );
  });
});
