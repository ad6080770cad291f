export * from './message-context';
export * from './unit-of-work';
