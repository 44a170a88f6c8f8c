import { describe, expect, it } from 'vitest';
import { itemView, openItemsFor, projectItems, renderItemsJson, renderItemsMarkdown, sessionItems } from '../../projections/items.js';
import { Story } from '../helpers/story.js';

const A = '20251228_1847_pjcc';
const B = '20260102_1900_xyz1';
const C = '20260103_0900_abc2';

function chainStory() {
  const s = new Story('2026-01-02T18:00:00.000Z');
  s.start(A, 'stable-ids');
  s.link(A, 'kb:node:37be', 'created', 'session documentation');
  s.link(A, 'task:9', 'created');
  s.link(A, 'task:10', 'completed');
  s.start(B, 'phase-2');
  s.add('items.migrated', B, { from: A, to: B, keys: ['kb:node:37be', 'task:9'] });
  s.link(B, 'task:9', 'updated', 'half done');
  s.start(C, 'phase-3');
  s.add('items.migrated', C, { from: B, to: C, keys: ['kb:node:37be', 'task:9'] });
  s.link(C, 'task:9', 'completed');
  return s;
}

describe('item chains', () => {
  it('accumulate session ids in order, with origin, migrated_at and migrated_from (seed 000)', () => {
    const s = chainStory();
    const kb = projectItems(s.events).items.get('kb:node:37be')!;
    expect(itemView(kb)).toMatchObject({
      key: 'kb:node:37be',
      type: 'kb',
      status: 'created',
      open: true,
      origin_session: 's_pjcc',
      session_ids: ['s_pjcc', 's_xyz1', 's_abc2'],
      current_session: C,
      migrated_at: s.events[8]!.at,
      migrated_from: B,
    });
    const task = projectItems(s.events).items.get('task:9')!;
    expect(task.status).toBe('completed');
    expect(task.history.map((h) => `${h.session} ${h.action}`)).toEqual(['s_pjcc created', 's_xyz1 migrated', 's_xyz1 updated', 's_abc2 migrated', 's_abc2 completed']);
  });

  it('open items of a session are those whose chain ends there and are not completed', () => {
    const s = chainStory();
    expect(openItemsFor(s.events, A)).toEqual([]);
    expect(openItemsFor(s.events, C)).toEqual([{ key: 'kb:node:37be', status: 'created', note: 'session documentation' }]);
    expect(sessionItems(projectItems(s.events), A)).toEqual([
      { key: 'kb:node:37be', status: 'migrated to s_abc2' },
      { key: 'task:10', status: 'completed' },
      { key: 'task:9', status: 'migrated to s_abc2' },
    ]);
  });

  it('a migration naming an item never linked is ignored', () => {
    const s = new Story();
    s.start(A, 'a');
    s.start(B, 'b');
    s.add('items.migrated', B, { from: A, to: B, keys: ['task:404'] });
    expect(projectItems(s.events).items.size).toBe(0);
  });

  it('renders items.md and items.json', () => {
    const s = chainStory();
    expect(renderItemsMarkdown(projectItems(s.events))).toMatchInlineSnapshot(`
      "# Items

      1 open, 2 completed.

      ## kb:node:37be · created
      - **Origin**: s_pjcc (2026-01-02T18:02)
      - **Sessions**: s_pjcc → s_xyz1 → s_abc2
      - **Migrated**: 2026-01-02T18:09 from 20260102_1900_xyz1
      - **History**:
        - 2026-01-02T18:02 s_pjcc created: session documentation
        - 2026-01-02T18:06 s_xyz1 migrated: from s_pjcc
        - 2026-01-02T18:09 s_abc2 migrated: from s_xyz1

      # Completed items

      ## task:10 · completed ✓
      - **Origin**: s_pjcc (2026-01-02T18:04)
      - **Sessions**: s_pjcc
      - **History**:
        - 2026-01-02T18:04 s_pjcc completed

      ## task:9 · completed ✓
      - **Origin**: s_pjcc (2026-01-02T18:03)
      - **Sessions**: s_pjcc → s_xyz1 → s_abc2
      - **Migrated**: 2026-01-02T18:09 from 20260102_1900_xyz1
      - **History**:
        - 2026-01-02T18:03 s_pjcc created
        - 2026-01-02T18:06 s_xyz1 migrated: from s_pjcc
        - 2026-01-02T18:07 s_xyz1 updated: half done
        - 2026-01-02T18:09 s_abc2 migrated: from s_xyz1
        - 2026-01-02T18:10 s_abc2 completed
      "
    `);
    const json = JSON.parse(renderItemsJson(projectItems(s.events)));
    expect(json.items.map((i: { key: string }) => i.key)).toEqual(['kb:node:37be', 'task:10', 'task:9']);
    expect(json.items[2]).toMatchObject({ origin_session: 's_pjcc', session_ids: ['s_pjcc', 's_xyz1', 's_abc2'], migrated_from: B, status: 'completed', open: false });
  });
});
