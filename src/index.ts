/** The library's public surface: the same operations the CLI, hooks and MCP server use. */
export { LogbookError, isLogbookError, errorCodes, type ErrorCode } from './errors.js';
export {
  journalEventSchema,
  eventTypes,
  parseStoredEvent,
  eventSubject,
  stableId,
  compareEvents,
  type JournalEvent,
  type EventType,
  type Draft,
  type Actor,
  type UnreadableRecord,
} from './events.js';
export { Journal, initJournal, type Snapshot, type OpenOptions } from './journal.js';
export { Logbook, type StartOptions, type LogOptions, type CloseOptions, type StateOptions, type ContextOptions, type ImportReport } from './logbook.js';
export { rebuild, writePlan, type WriteResult } from './rebuild.js';
export { sync, type SyncOptions, type SyncResult, type SyncProgress, type RefChange, type RefNote } from './sync.js';
export { fixCollision, type FixCollisionResult } from './syncCollision.js';
export { parseSessionFile, readSessionsTree, type ParsedSession } from './importSessions.js';
export { followEvents } from './tail.js';
export { resolveSession, currentSession } from './sessions.js';
export { GitStore, commitMessage } from './store/git.js';
export { MemoryStore } from './store/memory.js';
export type { EventStore, ReadResult, StoreHead } from './store/types.js';
export { redactText } from './redact.js';
export { renderResume, fitResume } from '../projections/resume.js';
export { renderSessionFile, renderProgressFile } from '../projections/sessionFile.js';
export { rebuildPlan } from '../projections/rebuild.js';
export { agendaProjection, projectAgenda, agendaViews } from '../projections/agenda.js';
export { itemsProjection, projectItems, itemView } from '../projections/items.js';
export { stateProjection, projectState } from '../projections/state.js';
export { renderStats } from '../projections/stats.js';
export { projectSessions } from '../projections/sessions.js';
export { snapshotAt, loadAt, sessionAt, resumeAt, rebuildAt, since, previousSessionEnd, catchUpLines, cutFor, latestMoment, momentBanner, WHEN_FORMS, type Moment, type AtView, type SinceResult } from './timetravel/index.js';
export { closeGroup, pauseGroup, sessionsOfGroup, type GroupResult } from './groups/index.js';
export { projectSince, renderSinceMarkdown, sinceLines, type SinceView, type SinceSession, type Change } from '../projections/since.js';
export { why, parseTarget } from './code/why.js';
export { drainCommits } from './code/record.js';
export { installGitHooks, uninstallGitHooks } from './code/install.js';
export { loadCommits, loadCommitLookup } from './code/commitsIndex.js';
export { projectCommits, sessionCommits, commitView, renderCommits } from '../projections/commits.js';
export { renderWhy, type WhyView } from '../projections/why.js';
export { searchJournal, type SearchOptions, type SearchResult, type SearchHit } from './search/search.js';
export { findEvent, type ShownEvent } from './search/show.js';
export { renderSearchResults, renderEvent } from '../projections/search.js';
