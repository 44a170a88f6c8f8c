import { Command } from 'commander';
import { agendaViews, projectAgenda, renderAgendaMarkdown, renderAgendaSection } from '../../projections/agenda.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function agendaCommand(io: Io): Command {
  return new Command('agenda')
    .description('the agenda of a session: completed, in progress, blockers, track projects, context keys')
    .argument('[S]', 'session (default: current; every session when there is none)')
    .option('--all', 'every session')
    .option('--session <S>', 'session (same as the argument)')
    .option('--json', 'the agenda as JSON')
    .action(async (ref: string | undefined, opts: { all?: boolean; session?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      const snap = await logbook.load();
      const agenda = projectAgenda(snap.events);
      const one = opts.all ? undefined : ref || opts.session ? logbook.session(snap, ref ?? opts.session) : logbook.findSession(snap);
      if (one) {
        const view = agendaViews(agenda, snap.sessions, [one.id])[0]!;
        if (opts.json) return printJson(io, view);
        return io.stdout(`${renderAgendaSection(view)}\n`);
      }
      const views = agendaViews(agenda, snap.sessions);
      if (opts.json) return printJson(io, { sessions: views });
      io.stdout(renderAgendaMarkdown(views));
    });
}
