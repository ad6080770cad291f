export * from './constants';
export * from './event.decorator';
export * from './aggregate.decorator';
export * from './evolve.decorator';
