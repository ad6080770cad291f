/** @eventline/testing — given/when/then fixtures and an in-memory EventLog for Eventline applications. */
export * from './aggregate-fixture';
export * from './in-memory';
