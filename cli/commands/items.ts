import { Command } from 'commander';
import { isOpenItem, itemView, sortedItems } from '../../projections/items.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { loadAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';

export function itemsCommand(io: Io): Command {
  return new Command('items')
    .description('every linked item with its chain (origin → … → current session)')
    .option('--open', 'only items that are not completed')
    .option('--type <type>', 'only items of this type (task, kb, track, file, …)')
    .option('--session <S>', 'only items that currently live in this session')
    .option(...AT_FLAG)
    .option('--json', 'the items as JSON')
    .action(async (opts: { open?: boolean; type?: string; session?: string; at?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const { snap, live, moment } = await loadAt(logbook, opts.at, { session: opts.session });
      const session = opts.session ? logbook.session(live, opts.session) : undefined;
      const items = sortedItems(snap.items).filter(
        (i) => (!opts.open || isOpenItem(i)) && (!opts.type || i.type === opts.type) && (!session || i.current_session === session.id),
      );
      if (opts.json) return printJson(io, withMoment({ items: items.map(itemView) }, moment));
      if (!items.length) return io.stdout(`${banner(moment)}No items. Link one with: logbook link task:42 --action created\n`);
      const width = Math.min(40, Math.max(...items.map((i) => i.key.length)));
      io.stdout(`${banner(moment)}${items.map((i) => `${i.key.padEnd(width)}  ${i.status.padEnd(10)}  ${i.session_ids.join(' → ')}`).join('\n')}\n`);
    });
}
