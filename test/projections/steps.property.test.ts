/**
 * Model-based property test of SPEC 6 (issue 10): random sequences of
 * next / progress / done / blocker / resolve / close, run against a small
 * reference model of steps and blockers; the session model, the session
 * file, the resume context, the agenda and the JSON view must all agree with it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agendaFor, projectAgenda } from '../../projections/agenda.js';
import { renderResume } from '../../projections/resume.js';
import { renderSessionFile } from '../../projections/sessionFile.js';
import { projectSessions } from '../../projections/sessions.js';
import { Story } from '../helpers/story.js';

const A = '20260102_1000_aaaa';
const NAMES = ['Reproduce bug', 'Implement fix', 'Add regression test'];

type Cmd =
  | { k: 'next'; t: string }
  | { k: 'progress'; t: string; step?: string }
  | { k: 'done'; t: string; step?: string }
  | { k: 'blocker' }
  | { k: 'resolve'; n: number };

/** The reference model: written from SPEC 6's words, independently of projections/sessions.ts. */
class Model {
  steps: Array<{ key: string; text: string; status: 'done' | 'current' | 'todo'; notes: number }> = [];
  blockers: Array<{ n: number; text: string; resolved: boolean }> = [];
  closed = false;

  static key(t: string): string {
    return t.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[\s.,;:!?…]+$/u, '');
  }
  private find(key: string) {
    return this.steps.find((s) => s.key === key);
  }
  get current() {
    return this.steps.find((s) => s.status === 'current');
  }
  private makeCurrent(step: Model['steps'][number]) {
    if (this.closed) return;
    const c = this.current;
    if (c && c !== step) c.status = 'todo';
    step.status = 'current';
  }
  private note(step: Model['steps'][number], t: string, named: boolean) {
    if (named && Model.key(t) !== step.key && Model.key(step.text) !== Model.key(t)) step.notes++;
  }
  apply(c: Cmd | { k: 'close' }) {
    switch (c.k) {
      case 'next':
        if (!this.find(Model.key(c.t))) this.steps.push({ key: Model.key(c.t), text: c.t, status: 'todo', notes: 0 });
        break;
      case 'progress': {
        const key = Model.key(c.step ?? c.t);
        const named = this.find(key);
        if (named) {
          this.note(named, c.t, c.step !== undefined);
          this.makeCurrent(named);
        } else if (!c.step && this.current) this.current.notes++;
        else {
          const step = { key, text: c.step?.trim() || c.t, status: 'todo' as const, notes: 0 };
          this.note(step, c.t, c.step !== undefined);
          this.steps.push(step);
          this.makeCurrent(step);
        }
        break;
      }
      case 'done': {
        const key = Model.key(c.step ?? c.t);
        const named = this.find(key);
        if (named) {
          this.note(named, c.t, c.step !== undefined);
          named.status = 'done';
        } else {
          const step = { key, text: c.step?.trim() || c.t, status: 'done' as const, notes: 0 };
          this.note(step, c.t, c.step !== undefined);
          this.steps.push(step);
        }
        break;
      }
      case 'blocker':
        this.blockers.push({ n: this.blockers.length + 1, text: `blocker ${this.blockers.length + 1}`, resolved: false });
        break;
      case 'resolve': {
        const b = this.blockers.find((x) => x.n === c.n);
        if (b) b.resolved = true;
        break;
      }
      case 'close': {
        const cur = this.current;
        if (cur) cur.status = 'todo';
        this.closed = true;
        break;
      }
    }
  }
}

/** A step name as a person might retype it: other case, extra spaces, a trailing full stop. */
const variant = fc
  .tuple(fc.constantFrom(...NAMES), fc.constantFrom('same', 'upper', 'lower', 'padded', 'dot', 'bang'))
  .map(([n, v]) => (v === 'upper' ? n.toUpperCase() : v === 'lower' ? n.toLowerCase() : v === 'padded' ? `  ${n.replace(' ', '   ')} ` : v === 'dot' ? `${n}.` : v === 'bang' ? `${n}!` : n));
const noteText = fc.integer({ min: 1, max: 999 }).map((i) => `note ${i} on the work`);

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  variant.map((t) => ({ k: 'next' as const, t })),
  fc.oneof(variant, noteText).map((t) => ({ k: 'progress' as const, t })),
  fc.tuple(fc.oneof(variant, noteText), variant).map(([t, step]) => ({ k: 'progress' as const, t, step })),
  variant.map((t) => ({ k: 'done' as const, t })),
  fc.tuple(noteText, variant).map(([t, step]) => ({ k: 'done' as const, t, step })),
  fc.constant({ k: 'blocker' as const }),
  fc.integer({ min: 1, max: 6 }).map((n) => ({ k: 'resolve' as const, n })),
);

/** The top-level `- [ ]`/`- [x]` lines of one `### ` part of the Progress section. */
function part(file: string, heading: string): string[] {
  const progress = file.slice(file.indexOf('## Progress\n'), file.indexOf('## Decisions\n'));
  const from = progress.indexOf(`### ${heading}\n`);
  const body = progress.slice(from + heading.length + 5).split('\n### ')[0]!;
  return body.split('\n').filter((l) => l.startsWith('- ['));
}

describe('steps and blockers: every view agrees with a reference model', () => {
  it('random next/progress/done/blocker/resolve sequences, closed or not', () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 25 }), fc.boolean(), (cmds, close) => {
        const story = new Story();
        story.start(A, 'prop', { title: 'Property', goal: 'Hold SPEC 6' });
        const model = new Model();
        const raised: string[] = [];
        for (const c of cmds) {
          model.apply(c);
          if (c.k === 'next') story.add('next', A, { text: c.t });
          else if (c.k === 'progress' || c.k === 'done') story.add('progress', A, { text: c.t, status: c.k === 'done' ? 'done' : 'current', ...(c.step ? { step: c.step } : {}) });
          else if (c.k === 'blocker') raised.push(story.add('blocker', A, { text: `blocker ${raised.length + 1}` }).id);
          else if (raised[c.n - 1]) story.add('blocker.resolved', A, { blocker: raised[c.n - 1]! });
        }
        if (close) {
          model.apply({ k: 'close' });
          story.add('session.closed', A, { outcome: 'completed', learnings: [], tasksCompleted: [] });
        }
        const s = projectSessions(story.events).sessions.get(A)!;

        // The model itself (what `view --json` prints): one step per identity, in order, at most one current.
        expect(s.steps.map((st) => [st.key, st.status, st.notes.length])).toEqual(model.steps.map((st) => [st.key, st.status, st.notes]));
        expect(s.currentStep).toBe(model.current?.key);
        expect(s.steps.filter((st) => st.status === 'current').length).toBeLessThanOrEqual(1);
        const json = JSON.parse(JSON.stringify(s)) as typeof s;
        expect(json.blockers.map((b) => [b.number, Boolean(b.resolvedAt)])).toEqual(model.blockers.map((b) => [b.n, b.resolved]));

        // The session file: Completed / In Progress / Remaining, the fraction, the marker, the notes under their step.
        const file = renderSessionFile(s);
        const done = model.steps.filter((st) => st.status === 'done');
        const current = model.current;
        const remaining = model.steps.filter((st) => st.status === 'todo');
        expect(part(file, 'Completed').map((l) => l.replace(/^- \[x\] (.*) \(\S+\)$/, '$1'))).toEqual(done.map((st) => st.text));
        expect(part(file, 'In Progress').map((l) => l.replace(/^- \[ \] (.*) \(\S+\) +<- CURRENT$/, '$1'))).toEqual(current ? [current.text] : []);
        expect(part(file, 'Remaining').map((l) => l.replace(/^- \[ \] /, ''))).toEqual(remaining.map((st) => st.text));
        expect(file.match(/<- CURRENT/g)?.length ?? 0).toBe(current ? 1 : 0);
        const notes = model.steps.reduce((n, st) => n + st.notes, 0);
        expect(file.slice(file.indexOf('## Progress\n'), file.indexOf('## Decisions\n')).split('\n').filter((l) => l.startsWith('  - ')).length).toBe(notes);
        const fraction = `**Progress**: ${done.length}/${model.steps.length} steps complete`;
        expect(file).toContain(fraction);
        if (model.closed) expect(file).not.toContain('Currently:');

        // Blockers: numbered as raised, in the file, the resume context and the agenda.
        const blockerLines = file.slice(file.indexOf('## Blockers\n') + 12).split('\n## ')[0]!.split('\n').filter((l) => l.startsWith('- ['));
        expect(blockerLines.map((l) => /^- \[( |x)\] #(\d+) /.exec(l)!.slice(1).join(' '))).toEqual(model.blockers.map((b) => `${b.resolved ? 'x' : ' '} ${b.n}`));
        const open = model.blockers.filter((b) => !b.resolved);
        expect(agendaFor(projectAgenda(story.events), A).blockers).toEqual(open.map((b) => `#${b.n} ${b.text}`));

        // The resume context: the same fraction, current step and open blockers.
        const resume = renderResume({ session: s });
        expect(resume).toContain(fraction);
        expect(resume).toContain(`**Current**: ${current ? `${current.text} (step ${done.length + 1})` : 'none'}`);
        expect(resume.match(/<- CURRENT/g)?.length ?? 0).toBe(current ? 1 : 0);
        const resumeBlockers = resume.includes('## Open blockers\n') ? resume.split('## Open blockers\n')[1]!.split('\n\n')[0]!.split('\n') : [];
        expect(resumeBlockers.map((l) => /^- #(\d+) /.exec(l)![1])).toEqual(open.map((b) => String(b.n)));
      }),
      { numRuns: 300 },
    );
  });
});
