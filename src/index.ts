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
export { Logbook, type StartOptions, type LogOptions, type CloseOptions } from './logbook.js';
export { resolveSession, currentSession } from './sessions.js';
export { GitStore, commitMessage } from './store/git.js';
export { MemoryStore } from './store/memory.js';
export type { EventStore, ReadResult, StoreHead } from './store/types.js';
export { redactText } from './redact.js';
export { renderResume } from '../projections/resume.js';
export { renderSessionFile } from '../projections/sessionFile.js';
export { projectSessions } from '../projections/sessions.js';
