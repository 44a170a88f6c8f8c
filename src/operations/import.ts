/**
 * The `import-sessions` request: which sessions of a parsed `.sessions/` tree
 * are new to the journal, and the one batch of drafts that imports them.
 * Pure: the caller appends the drafts.
 */
import { importDrafts, importedSessionId, type ParsedSession, type TimedDraft } from '../importSessions.js';
import type { SessionsState } from '../../projections/sessions.js';

export interface ImportReport {
  imported: Array<{ file: string; session: string; events: number }>;
  /** Files whose original id was imported before. */
  skipped: Array<{ file: string; session: string }>;
}

/**
 * The drafts that import `parsed` into a journal holding `sessions`: every
 * session's events, then every blocker resolution (which name their blockers
 * by ids from `newId`). Sessions imported before (same original id) are skipped.
 */
export function planImport(sessions: SessionsState, parsed: readonly ParsedSession[], newId: () => string): { drafts: TimedDraft[]; report: ImportReport } {
  const done = new Map<string, string>();
  for (const s of sessions.sessions.values()) if (s.meta.imported_from) done.set(s.meta.imported_from, s.id);
  const taken = new Set([...sessions.sessions.values()].map((s) => s.suffix));
  const report: ImportReport = { imported: [], skipped: [] };
  const bodies: TimedDraft[] = [];
  const resolutions: TimedDraft[] = [];
  for (const p of parsed) {
    // A Logbook session file of this very journal (e.g. .logbook/sessions) names a session we already hold.
    const existing = done.get(p.originalId) ?? (sessions.sessions.has(p.originalId) ? p.originalId : undefined);
    if (existing) {
      report.skipped.push({ file: p.file, session: existing });
      continue;
    }
    const id = importedSessionId(p, taken);
    taken.add(id.slice(-4));
    done.set(p.originalId, id);
    const session = importDrafts(p, id, newId);
    bodies.push(...session.drafts);
    resolutions.push(...session.resolutions);
    report.imported.push({ file: p.file, session: id, events: session.drafts.length + session.resolutions.length });
  }
  return { drafts: [...bodies, ...resolutions], report };
}
