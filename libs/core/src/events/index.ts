export * from './deep-freeze';
export * from './event-class';
export * from './event-metadata';
export * from './event-envelope';
