export * from './command-options';
export { ConcurrencyRetries, concurrencyRetriesOf } from './concurrency-retries.decorator';
export * from './command-receipt';
export * from './command-validator';
export * from './command-pipeline';
export * from './idempotency-store';
export * from './payload-hash';
export { MAX_MERGED_COMMANDS } from './merged-append';
export * from './position-token';
