import { Command } from 'commander';
import { LogbookError } from '../../src/errors.js';
import { itemView, renderItemSection } from '../../projections/items.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';

export function itemCommand(io: Io): Command {
  return new Command('item')
    .description('one item and its chain: origin session, sessions in order, migrations, history')
    .argument('<KEY>', 'item key, type:key')
    .option('--json', 'the chain as JSON')
    .action(async (key: string, opts: { json?: boolean }) => {
      const snap = await openLogbook(io).load();
      const items = snap.items.items;
      const item = items.get(key);
      if (!item) {
        const near = [...items.keys()].filter((k) => k.includes(key) || key.includes(k)).slice(0, 5);
        throw new LogbookError('UNKNOWN_ITEM', `no item "${key}" was ever linked`, {
          hint: near.length ? `did you mean ${near.join(', ')}?` : 'run `logbook items` to see linked items',
        });
      }
      if (opts.json) return printJson(io, itemView(item));
      io.stdout(`${renderItemSection(item)}\n`);
    });
}
