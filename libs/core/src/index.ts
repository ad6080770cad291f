/** @eventline/core — transport-agnostic heart of Eventline: the log model, its port, errors. */
export * from './errors';
export * from './log';
