export * from './eventline-error';
export * from './error-kinds';
export * from './log-errors';
export * from './write-side-errors';
