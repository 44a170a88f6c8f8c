import { Command } from 'commander';
import { LogbookError } from '../../src/errors.js';
import { itemView, renderItemSection } from '../../projections/items.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { loadAt } from '../../src/timetravel/index.js';
import { AT_FLAG, banner, withMoment } from '../at.js';

export function itemCommand(io: Io): Command {
  return new Command('item')
    .description('one item and its chain: origin session, sessions in order, migrations, history')
    .argument('<KEY>', 'item key, type:key')
    .option(...AT_FLAG)
    .option('--json', 'the chain as JSON')
    .action(async (key: string, opts: { at?: string; json?: boolean }) => {
      const { snap, moment } = await loadAt(openLogbook(io), opts.at);
      const items = snap.items.items;
      const item = items.get(key);
      if (!item) {
        const near = [...items.keys()].filter((k) => k.includes(key) || key.includes(k)).slice(0, 5);
        throw new LogbookError('UNKNOWN_ITEM', moment ? `no item "${key}" was linked by ${moment.label}` : `no item "${key}" was ever linked`, {
          hint: near.length ? `did you mean ${near.join(', ')}?` : 'run `logbook items` to see linked items',
        });
      }
      if (opts.json) return printJson(io, withMoment(itemView(item), moment));
      io.stdout(`${banner(moment)}${renderItemSection(item)}\n`);
    });
}
