/**
 * SPEC 6's steps through the built CLI, the way its help describes them:
 * `--step` names the step, and the `--progress`/`--done` text is a note on it.
 */
import { describe, expect, it } from 'vitest';
import { ok } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

function progressSection(dir: string): string {
  const file = ok(dir, ['view']);
  return file.slice(file.indexOf('## Progress\n'), file.indexOf('## Decisions\n')).trim();
}

describe('log --step', () => {
  it('a step first named by --step is called by that name, and the text is a note under it', () => {
    const dir = makeRepo();
    ok(dir, ['init']);
    ok(dir, ['start', '--goal', 'Document the API']);
    ok(dir, ['log', '--step', 'Write the docs', '--progress', 'Started with the README']);
    const during = progressSection(dir).replace(/\(\d{4}-\d\d-\d\dT\d\d:\d\d\)/g, '(T)');
    expect(during).toMatchInlineSnapshot(`
      "## Progress
      ### Completed
      - None yet

      ### In Progress
      - [ ] Write the docs (T)          <- CURRENT
        - Started with the README (T)

      ### Remaining
      - None"
    `);
    ok(dir, ['log', '--step', 'write the docs', '--done', 'README and API pages done']);
    ok(dir, ['log', '--step', 'Publish', '--done', 'Pushed to the site']);
    const after = progressSection(dir).replace(/\(\d{4}-\d\d-\d\dT\d\d:\d\d\)/g, '(T)');
    expect(after).toMatchInlineSnapshot(`
      "## Progress
      ### Completed
      - [x] Write the docs (T)
        - Started with the README (T)
        - README and API pages done (T)
      - [x] Publish (T)
        - Pushed to the site (T)

      ### In Progress
      - None

      ### Remaining
      - None"
    `);
    const json = JSON.parse(ok(dir, ['view', '--json'])) as { session: { steps: Array<{ text: string; notes: Array<{ text: string }> }> } };
    expect(json.session.steps.map((s) => [s.text, s.notes.map((n) => n.text)])).toEqual([
      ['Write the docs', ['Started with the README', 'README and API pages done']],
      ['Publish', ['Pushed to the site']],
    ]);
    expect(ok(dir, ['view'])).toContain('**Progress**: 2/2 steps complete');
  });
});
