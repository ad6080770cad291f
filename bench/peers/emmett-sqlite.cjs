'use strict';
/**
 * Emmett on SQLite (@event-driven-io/emmett-sqlite, node-sqlite3): the event store with an inline
 * raw-SQL projection into bench_balances in the same database. One shared connection for the whole
 * run — Emmett's fastest setting (by default it opens and closes a connection per operation).
 */
const path = require('node:path');
const {
  getSQLiteEventStore,
  sqliteConnection,
  sqliteRawSQLProjection,
} = require('@event-driven-io/emmett-sqlite');
const { projections } = require('@event-driven-io/emmett');
const support = require('./driver-support.cjs');
const ledger = require('./emmett-ledger.cjs');

support.main(async () => {
  const { job, workload } = support.readJob();
  const fileName = path.join(job.dir, 'emmett.db');
  const connection = sqliteConnection({ fileName });
  const eventStore = getSQLiteEventStore({
    fileName,
    schema: { autoMigration: 'CreateOrUpdate' },
    connectionOptions: { singleton: true, connection },
    projections: projections.inline([
      sqliteRawSQLProjection({
        name: 'bench-balances',
        canHandle: ledger.EVENT_TYPES,
        initSQL: ledger.CREATE_READ_MODEL,
        evolve: (event) => ledger.upsertSql(event),
      }),
    ]),
  });
  const measured = await support.runWorkload(
    workload,
    (c) => ledger.execute(eventStore, c),
    async () => {},
  );
  const row = await connection.querySingle(support.READ_MODEL_SQL);
  const synchronous = await connection.querySingle('PRAGMA synchronous');
  const journal = await connection.querySingle('PRAGMA journal_mode');
  connection.close();
  support.emit({
    system: 'emmett',
    backend: 'sqlite',
    ...measured,
    readModel: support.readModelOf(row),
    facts: {
      version: support.versionOf('@event-driven-io/emmett-sqlite'),
      driver: `sqlite3 ${support.versionOf('sqlite3')}`,
      journalMode: journal.journal_mode,
      synchronous: synchronous.synchronous,
      projection: 'inline sqliteRawSQLProjection (same transaction as the append)',
      transfer: 'two commands on two streams',
      snapshots: 'none (reads the whole stream per command)',
    },
  });
});
