export * from './upcaster';
export * from './upcaster-chain';
export * from './event-type-registry';
export * from './event-headers';
export * from './event-serializer';
