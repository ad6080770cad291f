/** Reflect-metadata keys of Eventline's decorators. Decorators write them; the explorer and definitions read them. */
export const EVENT_METADATA = 'eventline:event';
export const AGGREGATE_METADATA = 'eventline:aggregate';
export const EVOLVE_HANDLERS_METADATA = 'eventline:evolve-handlers';
