/** @eventline/core — transport-agnostic heart of Eventline: the log model, its port, errors. */
export * from './errors';
export * from './log';
export * from './decorators';
export * from './events';
export * from './serialization';
export * from './messaging';
export * from './aggregates';
export * from './commands';
export * from './module';
export * from './projections';
