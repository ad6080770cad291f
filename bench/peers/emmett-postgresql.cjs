'use strict';
/**
 * Emmett on PostgreSQL (@event-driven-io/emmett-postgresql): the event store with an inline raw-SQL
 * projection into bench_balances in the same database (same transaction as the append).
 */
const { getPostgreSQLEventStore, postgreSQLRawSQLProjection } = require('@event-driven-io/emmett-postgresql');
const { projections } = require('@event-driven-io/emmett');
const pg = require('pg');
const support = require('./driver-support.cjs');
const ledger = require('./emmett-ledger.cjs');

support.main(async () => {
  const { job, workload } = support.readJob();
  const eventStore = getPostgreSQLEventStore(job.pgUrl, {
    projections: projections.inline([
      postgreSQLRawSQLProjection({
        name: 'bench-balances',
        canHandle: ledger.EVENT_TYPES,
        init: () => ledger.CREATE_READ_MODEL,
        evolve: (event) => ledger.upsertSql(event),
      }),
    ]),
  });
  const measured = await support.runWorkload(
    workload,
    (c) => ledger.execute(eventStore, c),
    async () => {},
  );
  await eventStore.close();
  const client = new pg.Client({ connectionString: job.pgUrl });
  await client.connect();
  const { rows } = await client.query(support.READ_MODEL_SQL);
  const { rows: sync } = await client.query('SHOW synchronous_commit');
  await client.end();
  support.emit({
    system: 'emmett',
    backend: 'postgresql',
    ...measured,
    readModel: support.readModelOf(rows[0]),
    facts: {
      version: support.versionOf('@event-driven-io/emmett-postgresql'),
      synchronousCommit: sync[0].synchronous_commit,
      projection: 'inline postgreSQLRawSQLProjection (same transaction as the append)',
      transfer: 'two commands on two streams',
      snapshots: 'none (reads the whole stream per command)',
    },
  });
});
