/**
 * Does a user prompt ask the agent to pick the work back up? Decides whether
 * the UserPromptSubmit hook injects the resume context. Pure.
 *
 * Two ways to match, both deliberately narrow, because a false positive costs
 * up to 10,000 characters of context in a turn that did not need them:
 * - the whole prompt (minus greetings, politeness and punctuation) is a bare
 *   continuation: "continue", "ok, resume please", "let's carry on where we left off";
 * - a short prompt contains a phrase that only means "where are we":
 *   "where were we", "what was I doing", "pick up where we left off", "catch me up".
 * So "continue the for loop at line 5" or "resume the download in fetch.ts"
 * (continuing a named thing) do not match.
 */

const LEAD = /^(?:(?:ok(?:ay)?|alright|all right|right|so|now|well|hey|hi|hello|yes|yeah|yep|sure|good|great|thanks|thank you|please|pls|and|then)\b[\s,]*)+/;
const POLITE = /^(?:(?:let'?s|let us|can you|could you|would you|will you|can we|could we|shall we|please|pls|go ahead and|i want (?:you )?to|i'?d like (?:you )?to)\s+)+/;
const TAIL = /(?:\s+(?:please|pls|thanks|thank you|now|then|again|for me))+$/;

const VERB = '(?:continue|resume|carry on|keep going|keep working|go on|proceed|pick (?:it |this |things |the work )?(?:back )?up|get back to (?:it|work)|back to work|get going|start again)';
const OBJECT =
  '(?:working|work|the work|our work|the task|the session|our session|the last session|the previous session|it|this|that|on|on it|on this|' +
  'with (?:it|this|that|the (?:work|task|session|plan)|what (?:you|we|i) (?:were|was) doing)|' +
  '(?:from )?where (?:we|you|i) (?:left off|stopped|were)|from (?:the )?(?:last|previous) (?:session|checkpoint|time)|from before|as before|' +
  'where (?:we|you|i) left (?:it|things))';
const BARE = new RegExp(`^${VERB}(?:\\s+${OBJECT})*$`);

const PHRASES = [
  /\bwhere (?:were|are) we\b/,
  /\bwhere did (?:we|you|i) (?:leave off|stop|get to)\b/,
  /\b(?:pick|picking|take|taking) (?:it |things |this )?(?:back )?up (?:from )?where (?:we|you|i) (?:left off|stopped|left it)\b/,
  /\b(?:continue|resume|carry on|keep going) (?:from )?where (?:we|you|i) (?:left off|stopped|were)\b/,
  /\bwhat (?:was i|were we|were you) (?:doing|working on|up to)\b/,
  /\bwhat (?:did|have) (?:we|you) (?:do|done|get done|finish|finished) (?:last time|so far|before)\b/,
  /\b(?:catch|bring) me up to (?:speed|date)\b/,
  /\bcatch me up\b/,
  /\bremind me (?:what|where)\b/,
  /\b(?:resume|continue|reload|restore) (?:the |our |my )?(?:last |previous )?(?:logbook )?session\b/,
  /\b(?:status|state) of (?:the|our) (?:work|session|task)\b/,
  /\bwhat(?:'s| is) next\b/,
];

/** Longer prompts are real instructions that mention these words in passing. */
const MAX_PHRASE_PROMPT = 300;

export function normalisePrompt(prompt: string): string {
  let p = prompt
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[!?.,;:…"()\[\]*_~-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (let i = 0; i < 3; i++) p = p.replace(LEAD, '').replace(POLITE, '').replace(TAIL, '').trim();
  return p;
}

/** True when the prompt asks to continue the previous work (see the module comment). */
export function isContinuationIntent(prompt: string | null | undefined): boolean {
  if (!prompt) return false;
  const text = prompt.trim();
  if (!text) return false;
  const norm = normalisePrompt(text);
  if (BARE.test(norm)) return true;
  if (text.length > MAX_PHRASE_PROMPT) return false;
  const lower = text.toLowerCase().replace(/[\u2018\u2019`]/g, "'").replace(/\s+/g, ' ');
  return PHRASES.some((re) => re.test(lower));
}
