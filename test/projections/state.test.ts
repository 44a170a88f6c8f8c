import { describe, expect, it } from 'vitest';
import { projectState, renderStateJson, renderStateMarkdown } from '../../projections/state.js';
import { Story } from '../helpers/story.js';

describe('project state', () => {
  it('each state.set replaces only the fields it carries', () => {
    const s = new Story();
    s.add('state.set', undefined, { todo: ['ship 1.0', 'docs'], focus: 'sync', next: ['release'] });
    s.add('state.set', '20260102_1000_aaaa', { focus: 'hooks' });
    s.add('state.set', undefined, { todo: ['docs'] });
    const state = projectState(s.events);
    expect(state).toEqual({ todo: ['docs'], focus: 'hooks', next: ['release'], updated_at: s.events[2]!.at, updated_by: 'Ada', updated_in: null });
    expect(JSON.parse(renderStateJson(state))).toEqual(state);
    expect(renderStateMarkdown(state)).toMatchInlineSnapshot(`
      "# Project state

      **Focus**: hooks

      ## Todo
      - [ ] docs

      ## Next steps
      1. release

      _Updated 2026-01-02 10:03 by Ada._
      "
    `);
  });

  it('an empty focus clears it; nothing set yet says how to set it', () => {
    const s = new Story();
    expect(renderStateMarkdown(projectState(s.events))).toContain('Nothing set yet');
    s.add('state.set', undefined, { focus: 'x' });
    s.add('state.set', undefined, { focus: '' });
    expect(projectState(s.events).focus).toBeNull();
  });
});
