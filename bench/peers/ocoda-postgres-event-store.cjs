'use strict';
/**
 * A PostgreSQL EventStore for @ocoda/event-sourcing, written for this benchmark: 1.0.0-beta.21 ships
 * only in-memory, MongoDB and DynamoDB stores. It mirrors ocoda's MongoDBEventStore one to one
 * (one row per envelope, unique (stream_id, version) as the optimistic-concurrency guard, one
 * multi-row insert per append, reads ordered by version in batches) on `pg`.
 */
const {
  EventStore,
  EventEnvelope,
  EventCollection,
  StreamReadingDirection,
  DEFAULT_BATCH_SIZE,
} = require('@ocoda/event-sourcing');

class PostgresEventStore extends EventStore {
  constructor(eventMap, pool) {
    super();
    this.eventMap = eventMap;
    this.pool = pool;
  }

  async setup(pool) {
    const table = tableOf(pool);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS "${table}" (
      stream_id TEXT NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL, payload JSONB NOT NULL,
      event_id TEXT NOT NULL, aggregate_id TEXT NOT NULL, occurred_on TIMESTAMPTZ NOT NULL,
      correlation_id TEXT, causation_id TEXT, PRIMARY KEY (stream_id, version))`);
    return table;
  }

  async *getEvents({ streamId }, filter) {
    for await (const rows of this.rows(streamId, filter)) {
      yield rows.map((r) => this.eventMap.deserializeEvent(r.event, r.payload));
    }
  }

  async getEvent({ streamId }, version, pool) {
    const { rows } = await this.pool.query(
      `SELECT event, payload FROM "${tableOf(pool)}" WHERE stream_id = $1 AND version = $2`,
      [streamId, version],
    );
    if (rows.length === 0) throw new Error(`Event ${streamId}@${version} not found`);
    return this.eventMap.deserializeEvent(rows[0].event, rows[0].payload);
  }

  async appendEvents({ streamId, aggregateId }, aggregateVersion, events, pool) {
    let version = aggregateVersion - events.length + 1;
    const envelopes = events.map((event) =>
      EventEnvelope.create(this.eventMap.getName(event), this.eventMap.serializeEvent(event), {
        aggregateId,
        version: version++,
      }),
    );
    const values = [];
    const tuples = envelopes.map(({ event, payload, metadata }, i) => {
      values.push(
        streamId,
        metadata.version,
        event,
        JSON.stringify(payload),
        metadata.eventId,
        metadata.aggregateId,
        metadata.occurredOn,
        metadata.correlationId ?? null,
        metadata.causationId ?? null,
      );
      const o = i * 9;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}, $${o + 9})`;
    });
    await this.pool.query(
      `INSERT INTO "${tableOf(pool)}" (stream_id, version, event, payload, event_id, aggregate_id, occurred_on, correlation_id, causation_id)
       VALUES ${tuples.join(', ')}`,
      values,
    );
    return envelopes;
  }

  async *getEnvelopes({ streamId }, filter) {
    for await (const rows of this.rows(streamId, filter)) {
      yield rows.map((r) =>
        EventEnvelope.from(r.event, r.payload, {
          eventId: r.event_id,
          aggregateId: r.aggregate_id,
          version: r.version,
          occurredOn: r.occurred_on,
          correlationId: r.correlation_id ?? undefined,
          causationId: r.causation_id ?? undefined,
        }),
      );
    }
  }

  async getEnvelope(stream, version, pool) {
    for await (const [envelope] of this.getEnvelopes(stream, { fromVersion: version, limit: 1, pool }))
      return envelope;
    throw new Error(`Event ${stream.streamId}@${version} not found`);
  }

  async *rows(streamId, filter = {}) {
    const forward = (filter.direction ?? StreamReadingDirection.FORWARD) === StreamReadingDirection.FORWARD;
    const limit = filter.limit ?? null;
    const batch = filter.batch ?? DEFAULT_BATCH_SIZE;
    const { rows } = await this.pool.query(
      `SELECT * FROM "${tableOf(filter.pool)}" WHERE stream_id = $1 AND version >= $2
       ORDER BY version ${forward ? 'ASC' : 'DESC'} LIMIT $3`,
      [streamId, filter.fromVersion ?? 0, limit],
    );
    for (let i = 0; i < rows.length; i += batch) yield rows.slice(i, i + batch);
  }
}

function tableOf(pool) {
  return EventCollection.get(pool).replace(/[^a-zA-Z0-9_-]/g, '_');
}

module.exports = { PostgresEventStore };
