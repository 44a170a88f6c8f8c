/** WHEN → cut point: every accepted form, the errors for the others, and what a cut keeps hidden. */
import { describe, expect, it } from 'vitest';
import { isLogbookError } from '../../src/errors.js';
import type { JournalEvent } from '../../src/events.js';
import { cutFor, momentBanner, previousSessionEnd, snapshotAt } from '../../src/timetravel/index.js';
import { prepare } from '../../projections/order.js';
import { projectSessions } from '../../projections/sessions.js';
import { projectSince, renderSinceMarkdown, sinceLines } from '../../projections/since.js';
import { fitResume } from '../../projections/resume.js';
import { ev } from '../helpers/events.js';

const S = '20260102_1000_abcd';
const T = '20260102_1100_wxyz';
const at = (h: number, m = 0) => new Date(Date.UTC(2026, 0, 2, h, m)).toISOString();
const ada = { name: 'Ada', email: 'ada@example.com', agent: 'claude-code' };
const bob = { name: 'Bob', email: 'bob@example.com', agent: 'codex' };

function journal(): JournalEvent[] {
  return prepare([
    ev({ type: 'session.started', session: S, data: { title: 'Fix login', shortname: 'login', taskIds: [], meta: {} } }, { clock: 1, at: at(10), id: '01J00000000000000000000001', actor: ada }),
    ev({ type: 'decision', session: S, data: { text: 'Use a lock', rationale: 'races' } }, { clock: 2, at: at(10, 5), id: '01J00000000000000000000002', actor: ada }),
    ev({ type: 'session.checkpointed', session: S, data: { note: 'one' } }, { clock: 3, at: at(10, 10), id: '01J00000000000000000000003', actor: ada }),
    ev({ type: 'session.started', session: T, data: { title: 'Cache', shortname: 'cache', taskIds: [], meta: {} } }, { clock: 4, at: at(11), id: '01J00000000000000000000004', actor: bob }),
    ev({ type: 'decision', session: T, data: { text: 'Cache per tip', rationale: 'cheap' } }, { clock: 5, at: at(11, 5), id: '01J00000000000000000000005', actor: bob }),
    ev({ type: 'blocker', session: T, data: { text: 'CI is down' } }, { clock: 6, at: at(11, 10), id: '01J00000000000000000000006', actor: bob }),
    ev({ type: 'session.checkpointed', session: S, data: { note: 'two' } }, { clock: 7, at: at(11, 15), id: '01J00000000000000000000007', actor: ada }),
    ev({ type: 'blocker.resolved', session: T, data: { blocker: '01J00000000000000000000006', text: 'CI is down', note: 'runner back' } }, { clock: 8, at: at(11, 20), id: '01J00000000000000000000008', actor: bob }),
    ev({ type: 'decision', session: T, data: { text: 'Cache per ref', supersedes: '01J00000000000000000000005' } }, { clock: 9, at: at(11, 25), id: '01J00000000000000000000009', actor: bob }),
    ev({ type: 'item.linked', session: T, data: { key: 'task:7', action: 'completed' } }, { clock: 10, at: at(11, 30), id: '01J0000000000000000000000A', actor: bob }),
  ]);
}

const NOW = new Date(at(12));
const cut = (when: string, session = S) => cutFor(journal(), when, { now: NOW, session: () => session });

function error(f: () => unknown): { code: string; message: string; hint?: string } {
  try {
    f();
  } catch (e) {
    if (isLogbookError(e)) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    throw e;
  }
  throw new Error('expected an error');
}

describe('cutFor', () => {
  it('reads every accepted form', () => {
    expect(cut('2026-01-02T10:07Z').cut).toBe(2);
    expect(cut('2026-01-02 10:07').cut).toBe(2); // no zone: UTC
    expect(cut('2026-01-02T12:07+02:00').cut).toBe(2);
    expect(cut('2026-01-02').cut).toBe(0); // midnight
    expect(cut('2026-01-03').cut).toBe(10);
    expect(cut('1h').cut).toBe(4); // 11:00 exactly: the session started at 11:00 is inside
    expect(cut('50m').cut).toBe(6);
    expect(cut('90s').cut).toBe(10);
    expect(cut('01J00000000000000000000005').cut).toBe(5);
    expect(cut('01j0000000000000000000000a').cut).toBe(10);
    // An id prefix of digits and a unit letter is still an id (ids start with 0), found by the property test.
    expect(error(() => cut('0000009h')).message).toMatch(/none of the accepted forms/);
    expect(cut('checkpoint:1').cut).toBe(3);
    expect(cut('checkpoint:2').cut).toBe(7);
    expect(cut('checkpoint:-1').cut).toBe(7);
    expect(cut('1h')).toMatchObject({ kind: 'relative', at: at(11), label: '1h ago, 2026-01-02T11:00:00.000Z' });
    // As `--help` puts it ("2h / 3d ago") and as people type it.
    expect(cut('1h ago')).toMatchObject({ kind: 'relative', cut: 4, label: '1h ago, 2026-01-02T11:00:00.000Z' });
    expect(cut('1 hour ago')).toMatchObject({ cut: 4, label: '1 hour ago, 2026-01-02T11:00:00.000Z' });
    expect(cut('50 minutes')).toMatchObject({ cut: 6 });
    expect(cut('90 secs ago').cut).toBe(10);
    expect(error(() => cut('2 months ago')).message).toMatch(/none of the accepted forms/);
    // The words `search --since` takes: from 00:00 UTC of this day or the one before (now is 2026-01-02 12:00).
    expect(cut('today')).toMatchObject({ kind: 'time', cut: 0, at: '2026-01-02T00:00:00.000Z', label: 'today, 2026-01-02T00:00:00.000Z' });
    expect(cut('Yesterday')).toMatchObject({ kind: 'time', cut: 0, at: '2026-01-01T00:00:00.000Z' });
    expect(cutFor(journal(), 'today', { now: new Date('2026-01-03T08:00:00Z') })).toMatchObject({ cut: 10, at: '2026-01-03T00:00:00.000Z' });
    expect(cutFor(journal(), 'yesterday', { now: new Date('2026-01-03T08:00:00Z') })).toMatchObject({ cut: 0, at: '2026-01-02T00:00:00.000Z' });
    expect(momentBanner(cut('checkpoint:2'))).toBe('> As of checkpoint 2 of s_abcd, 2026-01-02T11:15:00.000Z (event 01J00000000000000000000007): the first 7 events of the journal; later events are not shown.\n\n');
  });

  it('refuses what it cannot read, naming the accepted forms', () => {
    const bad = error(() => cut('tomorrow'));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.message).toBe('cannot read the moment "tomorrow": it is none of the accepted forms');
    expect(bad.hint).toMatch(/ISO date or time.*relative time.*event id.*checkpoint:N or compaction:N/);
    expect(error(() => cut('2026-02-31')).message).toMatch(/none of the accepted forms/);
    expect(error(() => cut('')).message).toMatch(/it is empty/);
    expect(error(() => cut('01J0000000000000000000000Z')).message).toMatch(/no event has this id/);
    expect(error(() => cut('01J0000')).code).toBe('AMBIGUOUS_REFERENCE');
    expect(error(() => cut('checkpoint:3'))).toMatchObject({ message: 'session s_abcd has 2 checkpoints, so there is no checkpoint:3', hint: 'pass checkpoint:1 … checkpoint:2' });
    expect(error(() => cut('compaction:1')).message).toBe('session s_abcd has 0 compactions, so there is no compaction:1');
    expect(error(() => cut('checkpoint:0')).message).toMatch(/counted from 1/);
    expect(error(() => cutFor(journal(), 'checkpoint:1', { now: NOW })).message).toMatch(/this command has none/);
  });

  it('a redaction written after the moment still hides the text: time travel never brings back what was forgotten', () => {
    const events = prepare([
      ...journal(),
      ev({ type: 'redaction', session: S, data: { event: '01J00000000000000000000002' } }, { clock: 11, at: at(11, 40), id: '01J0000000000000000000000B', actor: ada }),
    ]);
    const m = cutFor(events, 'checkpoint:1', { now: NOW, session: () => S });
    const past = snapshotAt({ unreadable: [], tips: {}, sessions: projectSessions(events), items: { items: new Map() } as never }, events, m);
    expect(past.sessions.sessions.get(S)!.decisions[0]!.text).toBe('[redacted]');
  });
});

describe('since', () => {
  it("groups the changes by session, others' first, newest first, superseded decisions marked, bounded with a count", () => {
    const events = journal();
    const model = projectSessions(events);
    const m = previousSessionEnd(events, ada, undefined);
    expect(m).toMatchObject({ kind: 'previous', cut: 7, session: S });
    const view = projectSince(events, 1, model, { me: ada, limit: 5 });
    expect([view.shown, view.omitted, view.omittedSessions]).toEqual([5, 2, 1]);
    expect(renderSinceMarkdown(view, m.label)).toMatchInlineSnapshot(`
      "# Since the end of your previous session s_abcd, 2026-01-02T11:15:00.000Z

      ## s_wxyz cache — Cache (active)
      - 2026-01-02 11:30 Bob (codex) — completed: task:7
      - 2026-01-02 11:25 Bob (codex) — decision: Cache per ref
      - 2026-01-02 11:20 Bob (codex) — resolved blocker: CI is down — runner back
      - 2026-01-02 11:10 Bob (codex) — blocker: CI is down
      - 2026-01-02 11:05 Bob (codex) — decision: Cache per tip — cheap (superseded)

      _… and 2 more changes (1 more session); pass --limit to see more._
      "
    `);
  });

  it('reports sessions gone stale after the moment, by the injected clock', () => {
    const events = journal();
    const model = projectSessions(events);
    const stale = (cutAt: string) =>
      projectSince(events, 10, model, { me: ada, now: new Date(at(12)), staleAfterMs: 30 * 60_000, cutAt }).sessions.map((g) => [g.stable, g.mine, g.changes.map((c) => `${c.kind} ${c.at} ${c.text}`)]);
    expect(stale(at(11, 30))).toEqual([
      ['s_wxyz', false, ['stale 2026-01-02T12:00:00.000Z no event since 2026-01-02 11:30']],
      ['s_abcd', true, ['stale 2026-01-02T11:45:00.000Z no event since 2026-01-02 11:15']],
    ]);
    // s_abcd went stale before 11:50: not news since then.
    expect(stale(at(11, 50)).map((g) => g[0])).toEqual(['s_wxyz']);
  });

  it('a change is one short line: a long multi-line rationale is cut in the markdown and the catch-up, kept whole in the view', () => {
    const rationale = Array.from({ length: 40 }, (_, i) => `line ${i} of the reasons, with ü and 🐛`).join('\n');
    const events = prepare([
      ...journal(),
      ev({ type: 'decision', session: T, data: { text: 'Shard the cache', rationale } }, { clock: 11, at: at(11, 40), id: '01J0000000000000000000000B', actor: bob }),
    ]);
    const view = projectSince(events, 10, projectSessions(events), { me: ada });
    const change = view.sessions[0]!.changes[0]!;
    expect(change.text).toBe(`Shard the cache — ${rationale.replace(/\n/g, ' ')}`);
    const md = renderSinceMarkdown(view, 'then').split('\n').find((l) => l.includes('Shard the cache'))!;
    const line = sinceLines(view)[0]!;
    for (const l of [md, line]) {
      expect([...l.slice(l.indexOf('decision: ') + 'decision: '.length)].length).toBeLessThanOrEqual(200);
      expect(l.endsWith('…')).toBe(true);
      expect(l).not.toContain('\uFFFD');
    }
  });

  it('the catch-up section of the resume context never crowds out the TL;DR, current step or blockers', () => {
    const events = prepare([
      ...journal(),
      ev({ type: 'progress', session: S, data: { text: 'Write the lock', status: 'current' } }, { clock: 11, at: at(11, 50), actor: ada }),
      ev({ type: 'blocker', session: S, data: { text: 'Waiting for review' } }, { clock: 12, at: at(11, 51), actor: ada }),
    ]);
    const s = projectSessions(events).sessions.get(S)!;
    const since = Array.from({ length: 400 }, (_, i) => `- s_wxyz cache, 2026-01-02 11:${String(i % 60).padStart(2, '0')}, Bob (codex): decision: choice number ${i} about the cache layout`);
    const { text, omitted } = fitResume({ session: s, since, budget: 3000 });
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('## TL;DR');
    expect(text).toContain('**Current**: Write the lock');
    expect(text).toContain('- #1 Waiting for review');
    expect(text).toContain('## Since you were last here');
    expect(text).toContain('choice number 0 ');
    expect(omitted.some((o) => o.endsWith('of 400 since you were last here'))).toBe(true);
    expect(sinceLines(projectSince(events, 7, projectSessions(events), { me: ada }))[0]).toBe('- s_wxyz cache, 2026-01-02 11:30, Bob (codex): completed: task:7');
  });
});
