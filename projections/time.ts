/** Timestamps as views show them. Pure. */

/** `2026-01-02 10:00`: minutes, for people reading a terminal or a resume context. */
export const minute = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

/** `2026-01-02T10:00`: minutes in ISO form, as the session files of seed 002 write them. */
export const isoMinute = (iso: string): string => iso.slice(0, 16);
