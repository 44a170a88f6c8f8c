/**
 * The step rules of SPEC 6, applied by the session fold (sessions.ts): one
 * step per identity, at most one current step, notes on their step, `--done`
 * completing the step it names, no current step once closed. Pure; mutates
 * only the session it is given (a fold step).
 */
import type { Session, Step } from './sessions.js';

/** A step's identity (SPEC 6): case, surrounding and repeated white space and trailing punctuation do not count. */
export const stepKey = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[\s.,;:!?…]+$/u, '');

/**
 * A session's step and open next step by key, found in its own arrays: the
 * fold holds no lookup tables beside the session (a session has tens of
 * steps; a scan of them costs what keeping a table in step with them did).
 */
const stepNamed = (s: Session, key: string): Step | undefined => s.steps.find((st) => st.key === key);
const openNextNamed = (s: Session, key: string): Session['next'][number] | undefined => s.next.find((n) => !n.done && stepKey(n.text) === key);

function addStep(s: Session, key: string, text: string, status: Step['status'], at: string): Step {
  const step: Step = { key, text, status, at, notes: [], ...(status === 'done' ? { doneAt: at } : {}) };
  s.steps.push(step);
  return step;
}

/** Make `step` the one current step; a step that was current goes back to remaining. A closed session has none. */
function makeCurrent(s: Session, step: Step, at: string): void {
  if (s.closed) {
    if (step.status === 'current') step.status = 'todo';
    return;
  }
  const previous = s.currentStep === undefined ? undefined : stepNamed(s, s.currentStep);
  if (previous && previous !== step) previous.status = 'todo';
  if (step.status !== 'current') {
    step.status = 'current';
    delete step.doneAt;
    step.at = at;
  }
  s.currentStep = step.key;
}

function complete(s: Session, step: Step, at: string): void {
  step.status = 'done';
  step.doneAt = at;
  if (s.currentStep === step.key) delete s.currentStep;
  const n = openNextNamed(s, step.key);
  if (n) n.done = true;
}

/**
 * A `progress` event under SPEC 6's step rules: `current` on a named step
 * (by `--step` or by a known step's text) makes it the current step; without
 * one, while a step is current, it is a note on that step; `done` completes
 * the step it names instead of adding a twin; `todo` adds a remaining step.
 */
export function applyProgress(s: Session, data: { text: string; step?: string | undefined; status: Step['status'] }, at: string): void {
  const byText = stepKey(data.text);
  const key = data.step ? stepKey(data.step) || byText : byText;
  const named = stepNamed(s, key);
  const note = (step: Step) => {
    if (data.step && byText !== step.key && stepKey(step.text) !== byText) step.notes.push({ at, text: data.text });
  };
  // A step first named by `--step` is called by that name; the text is then a note on it.
  const added = (status: Step['status']) => {
    const step = addStep(s, key, data.step?.trim() || data.text, status, at);
    note(step);
    return step;
  };
  if (data.status === 'todo') {
    if (!named) added('todo');
    return;
  }
  s.lastWords = { at, text: data.text };
  if (data.status === 'done') {
    const step = named ?? added('done');
    if (named) note(named);
    complete(s, step, at);
    return;
  }
  if (named) {
    note(named);
    makeCurrent(s, named, at);
    return;
  }
  const current = s.currentStep === undefined || data.step ? undefined : stepNamed(s, s.currentStep);
  if (current) {
    current.notes.push({ at, text: data.text });
    return;
  }
  makeCurrent(s, added('todo'), at);
}

/** A `next` event: a remaining step (unless `listOnly`) and a line of the Next Steps list. True when it added a step. */
export function applyNext(s: Session, id: string, data: { text: string; listOnly?: boolean | undefined }, at: string): boolean {
  const key = stepKey(data.text);
  const step = stepNamed(s, key);
  if (!step && !data.listOnly) addStep(s, key, data.text, 'todo', at);
  if (!openNextNamed(s, key)) s.next.push({ id, at, text: data.text, done: step?.status === 'done' });
  return !step && !data.listOnly;
}

/** On close: the current step goes back to remaining; a closed session has none. */
export function closeSteps(s: Session): void {
  const current = s.currentStep === undefined ? undefined : stepNamed(s, s.currentStep);
  if (current) current.status = 'todo';
  delete s.currentStep;
}

/** Progress fraction (SPEC 6): done steps of all steps. */
export function progressFraction(s: Session): { done: number; total: number } {
  return { done: s.steps.filter((st) => st.status === 'done').length, total: s.steps.length };
}

/** The steps in display order (completed, in progress, remaining), each with its number in that order ("step 4"). */
export function orderedSteps(s: Session): { done: Step[]; current: Step | undefined; remaining: Step[] } {
  const current = s.currentStep === undefined ? undefined : s.steps.find((st) => st.key === s.currentStep && st.status === 'current');
  return { done: s.steps.filter((st) => st.status === 'done'), current, remaining: s.steps.filter((st) => st.status !== 'done' && st !== current) };
}

/** The current step and its number in display order, or undefined. */
export function currentStepOf(s: Session): { step: Step; number: number } | undefined {
  const { done, current } = orderedSteps(s);
  return current ? { step: current, number: done.length + 1 } : undefined;
}
