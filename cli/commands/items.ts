import { Command } from 'commander';
import { isOpenItem, itemView, sortedItems } from '../../projections/items.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function itemsCommand(io: Io): Command {
  return new Command('items')
    .description('every linked item with its chain (origin → … → current session)')
    .option('--open', 'only items that are not completed')
    .option('--type <type>', 'only items of this type (task, kb, track, file, …)')
    .option('--session <S>', 'only items that currently live in this session')
    .option('--json', 'the items as JSON')
    .action(async (opts: { open?: boolean; type?: string; session?: string; json?: boolean }) => {
      const logbook = openLogbook(io);
      const snap = await logbook.load();
      const session = opts.session ? logbook.session(snap, opts.session) : undefined;
      const items = sortedItems(snap.items).filter(
        (i) => (!opts.open || isOpenItem(i)) && (!opts.type || i.type === opts.type) && (!session || i.current_session === session.id),
      );
      if (opts.json) return printJson(io, { items: items.map(itemView) });
      if (!items.length) return io.stdout('No items. Link one with: logbook link task:42 --action created\n');
      const width = Math.min(40, Math.max(...items.map((i) => i.key.length)));
      io.stdout(`${items.map((i) => `${i.key.padEnd(width)}  ${i.status.padEnd(10)}  ${i.session_ids.join(' → ')}`).join('\n')}\n`);
    });
}
