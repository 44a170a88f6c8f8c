/**
 * The handlers of the operations that read (./requests.ts): the resume
 * context, now or as of a moment, and search. Apart from ./handlers.ts so a
 * writing command's bundle does not carry time travel.
 */
import type { Logbook } from '../logbook.js';
import { searchJournal, type SearchResult } from '../search/search.js';
import { journalEntries, loadAt, resumeAt, sessionAt, type Moment } from '../timetravel/index.js';
import { sessionCommitViews } from '../code/commitsIndex.js';
import { sessionItems } from '../../projections/items.js';
import type { CommitView } from '../../projections/commits.js';
import type { JournalEvent } from '../events.js';
import type { Message, Session } from '../../projections/sessions.js';
import type { ResumeInput } from '../../projections/resume.js';
import { defined } from './request.js';
import type { ResumeRequest, SearchRequest } from './requests.js';

/** What `view` shows of a session (CLI, MCP, HTTP): its state, its events in order, its commits and the items whose chain ends in it. */
export interface SessionView {
  session: Session;
  /** Its events in order when asked for (`events: true`), else empty. */
  events: JournalEvent[];
  commits: Array<CommitView & { note?: string }>;
  items: Array<{ key: string; status: string; note?: string }>;
  moment?: Moment;
}

export const readHandlers = {
  /**
   * A session now, or as it stood at a moment (`at`); with `events`, its
   * events too (else the list is empty). They are picked
   * from the journal's order index by session before any is parsed, so a
   * view of one session does not parse the whole journal.
   */
  async view(lb: Logbook, r: { session?: string | undefined; at?: string | undefined; events?: boolean }): Promise<SessionView> {
    const at = await loadAt(lb, r.at, { session: r.session, focus: true });
    const session = sessionAt(lb, at, r.session);
    const entries = r.events ? (at.prefix ?? (await journalEntries(lb, at.live))) : [];
    const events = entries.filter((e) => e.session === session.id).map((e) => e.event());
    // A past moment shows the commits recorded by then.
    const commits = await sessionCommitViews(lb.journal, session.id, at.moment?.at);
    return { session, events, commits, items: sessionItems(at.snap.items, session.id), ...(at.moment ? { moment: at.moment } : {}) };
  },

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
