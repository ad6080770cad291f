/** Reflect-metadata keys of the projection decorators. Decorators write them; projection definitions read them. */
export const PROJECTION_METADATA = 'eventline:projection';
export const ON_HANDLERS_METADATA = 'eventline:projection-handlers';
