import { Command } from 'commander';
import { renderSearchResults } from '../../projections/search.js';
import { readHandlers } from '../../src/operations/readHandlers.js';
import { searchOperation } from '../../src/operations/requests.js';
import type { Io } from '../io.js';
import { openLogbook, printJson } from '../io.js';
import { requestFrom, requestOptions } from '../request.js';

export function searchCommand(io: Io): Command {
  return requestOptions(new Command('search').description(searchOperation.summary), searchOperation)
    .option('--json', 'the results as JSON (the same fields)')
    .action(async (_words: string[], opts: { json?: boolean }, cmd: Command) => {
      // `session` here filters the hits; it does not pick a session to act on.
      const result = await readHandlers.search(openLogbook(io), await requestFrom(io, searchOperation, cmd));
      if (opts.json) return printJson(io, result);
      io.stdout(renderSearchResults(result));
    });
}
