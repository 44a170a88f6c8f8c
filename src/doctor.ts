/** `logbook doctor`: see ./doctor/index.ts. */
export * from './doctor/index.js';
