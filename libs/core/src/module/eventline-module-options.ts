import { ValidatorOptions } from 'class-validator';
import { EventLog } from '../log/event-log';
import { ReadModelDatabase } from '../projections/read-model-database';
import { ProjectionRunnerSettings } from '../projections/projection-runner-options';
import { Upcaster } from '../serialization/upcaster';
import { EventlineEngine } from './eventline-engine';

export interface EventlineModuleOptions {
  /** Where the log lives: an engine (opened and closed by the module) or an EventLog you own. */
  readonly engine: EventlineEngine | EventLog;
  /** Partitions of the topics created at start-up (default 8); `@Aggregate({ partitions })` overrides per aggregate. */
  readonly partitions?: number;
  /** A snapshot every N events (default 100; 0 = none); `@Aggregate({ snapshotEvery })` overrides per aggregate. */
  readonly snapshotEvery?: number;
  /**
   * Re-run a command handler on fresh state this many times after losing a race (default 0:
   * ConcurrencyError). `@ConcurrencyRetries(n)` on a command class, or `concurrencyRetries` in the
   * options of one send, override it.
   */
  readonly concurrencyRetries?: number;
  /**
   * Aggregates whose latest state this process keeps in memory (default 10 000; 0 = none; only
   * aggregates with snapshots on). Every load still checks the id's version in the log.
   */
  readonly aggregateCacheSize?: number;
  /** class-validator options for commands (default `{ forbidUnknownValues: false }`). */
  readonly validator?: ValidatorOptions;
  /** Compacted topic of idempotency records (default `eventline.commands`). */
  readonly commandsTopic?: string;
  readonly upcasters?: readonly Upcaster[];
  /** Where projections write their read models: `typeOrmReadModels({ ...DataSourceOptions })` from `@eventline/typeorm`. */
  readonly readModels?: ReadModelDatabase;
  /** Runner settings of every projection, and whether they start with the application (default true). */
  readonly projections?: ProjectionRunnerSettings & { readonly autoStart?: boolean };
}
