export * from './aggregate-root';
export * from './aggregate-definition';
export * from './aggregate-repository';
export * from './event-store';
export * from './snapshot-policy';
export { SnapshotCodec } from './snapshot-codec';
export type { DecodedSnapshot } from './snapshot-codec';
export * from './aggregate-locks';
export * from './aggregate-cache';
