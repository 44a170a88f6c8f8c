import { Command } from 'commander';
import { agendaViews, projectAgenda, renderAgendaMarkdown, renderAgendaSection } from '../../projections/agenda.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { eventsAt, loadAt, sessionAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';

export function agendaCommand(io: Io): Command {
  return new Command('agenda')
    .description('the agenda of a session: completed, in progress, blockers, track projects, context keys')
    .argument('[S]', 'session (default: current; every session when there is none)')
    .option('--all', 'every session')
    .option('--session <S>', 'session (same as the argument)')
    .option(...AT_FLAG)
    .option('--json', 'the agenda as JSON')
    .action(async (ref: string | undefined, opts: { all?: boolean; session?: string; at?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      const at = await loadAt(logbook, opts.at, { session: ref ?? opts.session });
      const { snap, moment } = at;
      const agenda = projectAgenda(await eventsAt(logbook, at));
      const current = opts.all || ref || opts.session ? undefined : logbook.findSession(at.live);
      const one = opts.all ? undefined : ref || opts.session ? sessionAt(logbook, at, ref ?? opts.session) : current && snap.sessions.sessions.get(current.id);
      if (one) {
        const view = agendaViews(agenda, snap.sessions, [one.id])[0]!;
        if (opts.json) return printJson(io, withMoment(view, moment));
        return io.stdout(`${banner(moment)}${renderAgendaSection(view)}\n`);
      }
      const views = agendaViews(agenda, snap.sessions);
      if (opts.json) return printJson(io, withMoment({ sessions: views }, moment));
      io.stdout(banner(moment) + renderAgendaMarkdown(views));
    });
}
