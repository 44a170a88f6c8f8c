import { describe, expect, it } from 'vitest';
import { agendaFor, agendaViews, projectAgenda, renderAgendaJson, renderAgendaMarkdown } from '../../projections/agenda.js';
import { projectSessions } from '../../projections/sessions.js';
import { Story } from '../helpers/story.js';

const A = '20260102_1000_aaaa';
const B = '20260102_1100_bbbb';

describe('agenda (seed 000 feeding rules)', () => {
  it('routes created and completed tasks, blocked items, log blockers, tracks and kb items', () => {
    const s = new Story();
    s.start(A, 'alpha');
    s.link(A, 'task:1', 'created');
    s.link(A, 'task:2', 'created');
    s.link(A, 'task:2', 'completed');
    s.link(A, 'task:3', 'referenced'); // a reference is not work in progress
    s.link(A, 'file:src/a.ts', 'blocked');
    const b = s.add('blocker', A, { text: 'API docs missing' });
    s.add('blocker', A, { text: 'flaky CI' });
    s.add('blocker.resolved', A, { blocker: b.id });
    s.link(A, 'track:project:c3c5', 'created');
    s.link(A, 'kb:node:37be', 'referenced');
    expect(agendaFor(projectAgenda(s.events), A)).toEqual({
      completed: ['task:2'],
      in_progress: ['task:1'],
      blockers: ['file:src/a.ts', '#2 flaky CI'], // a log blocker keeps the number it was raised with
      track_projects: ['track:project:c3c5'],
      context_keys: ['kb:node:37be'],
    });
  });

  it('a blocked item leaves blockers when it moves on, and a completed task leaves in_progress', () => {
    const s = new Story();
    s.start(A, 'alpha');
    s.link(A, 'task:1', 'created');
    s.link(A, 'task:1', 'blocked');
    expect(agendaFor(projectAgenda(s.events), A).blockers).toEqual(['task:1']);
    s.link(A, 'task:1', 'completed');
    const a = agendaFor(projectAgenda(s.events), A);
    expect(a.blockers).toEqual([]);
    expect(a.in_progress).toEqual([]);
    expect(a.completed).toEqual(['task:1']);
  });

  it('migration moves open work, tracks and kb keys to the receiving session; the origin keeps only what is done', () => {
    const s = new Story();
    s.start(A, 'alpha');
    s.link(A, 'task:1', 'created');
    s.link(A, 'task:2', 'completed');
    s.link(A, 'task:3', 'blocked');
    s.link(A, 'kb:node:1', 'created');
    s.start(B, 'beta');
    s.add('items.migrated', B, { from: A, to: B, keys: ['task:1', 'task:3', 'kb:node:1'] });
    const state = projectAgenda(s.events);
    expect(agendaFor(state, A)).toEqual({ completed: ['task:2'], in_progress: [], blockers: [], track_projects: [], context_keys: [] });
    expect(agendaFor(state, B)).toEqual({ completed: [], in_progress: ['task:1'], blockers: ['task:3'], track_projects: [], context_keys: ['kb:node:1'] });
  });

  it('renders agenda.md (open sessions first, newest first) and agenda.json', () => {
    const s = new Story();
    s.start(A, 'alpha', { title: 'Alpha work' });
    s.link(A, 'task:1', 'completed');
    s.add('session.closed', A, { outcome: 'completed', learnings: [], tasksCompleted: [] });
    s.start(B, 'beta', { title: 'Beta work' });
    s.link(B, 'task:7', 'created');
    s.link(B, 'track:project:x', 'created');
    const views = agendaViews(projectAgenda(s.events), projectSessions(s.events));
    expect(renderAgendaMarkdown(views)).toMatchInlineSnapshot(`
      "# Agenda

      ## beta (s_bbbb) · active
      Beta work

      **In progress**:
      - task:7

      **Track projects**:
      - track:project:x

      # Closed sessions

      ## alpha (s_aaaa) · completed
      Alpha work

      **Completed**:
      - task:1
      "
    `);
    const json = JSON.parse(renderAgendaJson(views));
    expect(json.sessions.map((v: { id: string; status: string }) => [v.id, v.status])).toEqual([
      [A, 'completed'],
      [B, 'active'],
    ]);
    expect(json.sessions[1]).toMatchObject({ stable_id: 's_bbbb', in_progress: ['task:7'], track_projects: ['track:project:x'], completed: [], blockers: [], context_keys: [] });
  });
});
