/** The `--at WHEN` flag every view command shares (src/timetravel). */
import type { Moment } from '../src/timetravel/moment.js';
import { momentBanner } from '../src/timetravel/moment.js';

export const AT_FLAG = ['--at <WHEN>', 'the view as of a moment: ISO time, 2h / 3d ago, an event id, checkpoint:N or compaction:N of the session'] as const;

/** The moment, for a --json view (only when --at was given, so the output without it stays as it was). */
export const withMoment = <T extends object>(value: T, moment: Moment | undefined): T | (T & { moment: Moment }) => (moment ? { ...value, moment } : value);

/** The banner above a view as of a moment; nothing for the live view. */
export const banner = (moment: Moment | undefined): string => (moment ? momentBanner(moment) : '');
