import { Command } from 'commander';
import { unreadMessagesFor } from '../../projections/resume.js';
import { inline } from '../../projections/text.js';
import type { Io } from '../io.js';
import { ALLOW_SECRET_FLAG, openLogbook, printJson } from '../io.js';
import { handlers } from '../../src/operations/handlers.js';
import { messageOperation } from '../../src/operations/requests.js';
import { requestFrom, requestOptions } from '../request.js';
import { minute } from '../../projections/time.js';


export function messageCommand(io: Io): Command {
  const cmd = new Command('message').description('messages between people, agents and sessions (shown by `logbook resume`)');
  requestOptions(cmd.command('send').description(messageOperation.summary), messageOperation)
    .option(...ALLOW_SECRET_FLAG)
    .option('--json', 'print the written event as JSON')
    .action(async (_text: string, opts: { json?: boolean; allowSecret?: boolean }, sub: Command) => {
      const request = await requestFrom(io, messageOperation, sub);
      const r = await handlers.message(openLogbook(io, { session: request.session, allowSecret: opts.allowSecret }), request);
      if (opts.json) return printJson(io, r.events);
      io.stdout(`Sent to ${r.to.session ? `session ${r.to.session}` : r.to.actor}.\n`);
    });
  cmd
    .command('list')
    .description('messages for a session and for you (unread first)')
    .argument('[S]', 'session (default: current)')
    .option('--all', 'every message in the journal')
    .option('--session <S>', 'session (same as the argument)')
    .option('--json', 'the messages as JSON')
    .action(async (ref: string | undefined, opts: { all?: boolean; session?: string; json?: boolean }) => {
      const logbook = openLogbook(io, { session: opts.session });
      const snap = await logbook.load();
      let messages = snap.sessions.messages;
      if (!opts.all) {
        const s = logbook.session(snap, ref);
        const mine = new Set(unreadMessagesFor(messages.map((m) => ({ ...m, read: false })), s, logbook.journal.actor).map((m) => m.id));
        messages = messages.filter((m) => mine.has(m.id));
      }
      if (opts.json) return printJson(io, messages);
      if (!messages.length) return io.stdout('No messages.\n');
      const ordered = [...messages.filter((m) => !m.read), ...messages.filter((m) => m.read)];
      io.stdout(`${ordered.map((m) => `${m.read ? ' ' : '*'} ${minute(m.at)}  ${m.from.name}${m.from.agent ? `/${m.from.agent}` : ''} → ${m.to.session ?? m.to.actor}: ${inline(m.text)}`).join('\n')}\n`);
    });
  return cmd;
}
