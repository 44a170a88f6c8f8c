/**
 * The handlers of the operations that read (./requests.ts): the resume
 * context, now or as of a moment, and search. Apart from ./handlers.ts so a
 * writing command's bundle does not carry time travel.
 */
import type { Logbook } from '../logbook.js';
import { searchJournal, type SearchResult } from '../search/search.js';
import { loadAt, resumeAt, type Moment } from '../timetravel/index.js';
import type { Message, Session } from '../../projections/sessions.js';
import type { ResumeInput } from '../../projections/resume.js';
import { defined } from './request.js';
import type { ResumeRequest, SearchRequest } from './requests.js';

export const readHandlers = {
  /**
   * The resume context: the session reopened if paused and its shown messages
   * marked read; as of a moment (`at`), read-only — nothing is reopened or marked.
   */
  async resume(lb: Logbook, r: ResumeRequest): Promise<{ session: Session; text: string; omitted: string[]; input: ResumeInput; read: Message[]; moment?: Moment }> {
    const budget = r.budget === undefined ? {} : { budget: r.budget };
    if (r.at === undefined) return lb.resumeContext(r.session, budget);
    const at = await loadAt(lb, r.at, { session: r.session, focus: true });
    const past = resumeAt(lb, at, r.session, budget);
    return { session: past.input.session, text: past.text, omitted: past.omitted, input: past.input, read: [], ...(at.moment ? { moment: at.moment } : {}) };
  },

  search(lb: Logbook, r: SearchRequest): Promise<SearchResult> {
    return searchJournal(lb.journal, defined(r), lb.searchIndex);
  },
};
