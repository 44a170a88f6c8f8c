import { describe, expect, it } from 'vitest';
import { isContinuationIntent } from '../../src/integrations/intent.js';

describe('continuation intent', () => {
  it.each([
    'continue',
    'Continue.',
    'continue please',
    'ok, continue',
    "let's continue",
    'resume',
    'Resume the session',
    'please resume where we left off',
    'carry on',
    'keep going',
    'go on',
    'proceed',
    'where were we?',
    'Hey, where were we',
    'pick up where we left off',
    "Let's pick up where we left off yesterday",
    'what was I doing?',
    'What were we working on',
    'catch me up',
    'continue from the last session',
    'continue where you stopped',
    'back to work',
    'ok lets get back to it',
    'resume the previous session please',
  ])('"%s" asks to continue', (prompt) => {
    expect(isContinuationIntent(prompt)).toBe(true);
  });

  it.each([
    'continue the for loop at line 5',
    'resume the download in fetch.ts after a network error',
    'Add a retry to the upload client',
    'Why does the loop continue after the break?',
    'the parser should continue on errors',
    'proceed with caution when deleting files: write a guard',
    'resume.ts has a bug in fitResume',
    '',
    '   ',
    `${'Please refactor the module so that it handles every case. '.repeat(10)} And tell me where were we with the tests?`,
  ])('"%s" does not', (prompt) => {
    expect(isContinuationIntent(prompt)).toBe(false);
  });

  it('treats null and undefined as no intent', () => {
    expect(isContinuationIntent(null)).toBe(false);
    expect(isContinuationIntent(undefined)).toBe(false);
  });
});
