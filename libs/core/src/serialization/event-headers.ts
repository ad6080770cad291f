/** Record header names Eventline writes on every event; application headers must not start with `eventline.`. */
export const EventHeaders = Object.freeze({
  eventId: 'eventline.event-id',
  type: 'eventline.type',
  schemaVersion: 'eventline.schema-version',
  aggregate: 'eventline.aggregate',
  aggregateId: 'eventline.aggregate-id',
  aggregateVersion: 'eventline.aggregate-version',
  correlationId: 'eventline.correlation-id',
  causationId: 'eventline.causation-id',
});

export const RESERVED_HEADER_PREFIX = 'eventline.';
