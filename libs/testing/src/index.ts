/** @eventline/testing — given/when/then fixtures for Eventline applications. */
export * from './aggregate-fixture';
