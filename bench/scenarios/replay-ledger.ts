import { randomUUID } from 'node:crypto';
import { Column, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import {
  Event,
  EventSerializer,
  EventTypeRegistry,
  On,
  Projection,
  ProjectionContext,
  ProducerRecord,
} from '@eventline/core';

/** The ledger history replayed by the `replay` scenario, and the projection it is replayed into. */

export const REPLAY_TOPIC = 'ledger.events';
export const REPLAY_PARTITIONS = 8;

@Event('replay.deposited')
export class Deposited {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@Event('replay.withdrawn')
export class Withdrawn {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@Entity('bench_replay_balances')
export class ReplayBalance {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id!: string;
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  balance!: number;
  @Column({ type: 'integer' }) events!: number;
}

/**
 * One row per account: balance and events applied. Written with one upsert statement per event
 * through the batch transaction's EntityManager (what a throughput-minded user writes; the
 * repository API costs more per call, see the notes).
 */
@Projection('replay-balances', { topics: [REPLAY_TOPIC], readModels: [ReplayBalance] })
export class ReplayBalances {
  private sql: string | undefined;

  @On(Deposited)
  deposited(e: Deposited, ctx: ProjectionContext<EntityManager>): Promise<unknown> {
    return ctx.manager.query(this.upsert(ctx.manager), [e.accountId, e.amount]);
  }

  @On(Withdrawn)
  withdrawn(e: Withdrawn, ctx: ProjectionContext<EntityManager>): Promise<unknown> {
    return ctx.manager.query(this.upsert(ctx.manager), [e.accountId, -e.amount]);
  }

  private upsert(manager: EntityManager): string {
    if (this.sql) return this.sql;
    const table = manager.connection.getMetadata(ReplayBalance).tablePath;
    const [p1, p2] = manager.connection.options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const q = (name: string): string => manager.connection.driver.escape(name);
    this.sql =
      `INSERT INTO ${q(table)} (id, balance, events) VALUES (${p1}, ${p2}, 1) ` +
      `ON CONFLICT (id) DO UPDATE SET balance = ${q(table)}.balance + excluded.balance, events = ${q(table)}.events + 1`;
    return this.sql;
  }
}

/**
 * The same read model written the throughput way: deltas per account folded in a per-batch
 * buffer (ctx.buffer) and flushed as multi-row upserts before the batch's checkpoint.
 */
@Projection('replay-balances', { topics: [REPLAY_TOPIC], readModels: [ReplayBalance] })
export class BufferedReplayBalances {
  @On(Deposited)
  deposited(e: Deposited, ctx: ProjectionContext<EntityManager>): void {
    add(ctx, e.accountId, e.amount);
  }

  @On(Withdrawn)
  withdrawn(e: Withdrawn, ctx: ProjectionContext<EntityManager>): void {
    add(ctx, e.accountId, -e.amount);
  }
}

function add(ctx: ProjectionContext<EntityManager>, id: string, amount: number): void {
  const deltas = ctx.buffer('deltas', () => new Map<string, [number, number]>(), flushDeltas);
  const delta = deltas.get(id);
  if (delta) {
    delta[0] += amount;
    delta[1] += 1;
  } else deltas.set(id, [amount, 1]);
}

async function flushDeltas(deltas: Map<string, [number, number]>, manager: EntityManager): Promise<void> {
  const pg = manager.connection.options.type === 'postgres';
  const q = (name: string): string => manager.connection.driver.escape(name);
  const table = q(manager.connection.getMetadata(ReplayBalance).tablePath);
  const rows = [...deltas];
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values = chunk.map((_, j) => (pg ? `($${3 * j + 1}, $${3 * j + 2}, $${3 * j + 3})` : '(?, ?, ?)'));
    await manager.query(
      `INSERT INTO ${table} (id, balance, events) VALUES ${values.join(', ')} ` +
        `ON CONFLICT (id) DO UPDATE SET balance = ${table}.balance + excluded.balance, events = ${table}.events + excluded.events`,
      chunk.flatMap(([id, [balance, events]]) => [id, balance, events]),
    );
  }
}

export const replaySerializer = new EventSerializer(new EventTypeRegistry([Deposited, Withdrawn]));

/** A deterministic history of `count` events over `accounts` accounts (60% deposits), as producer records, with the net amount of each chunk. */
export function* ledgerHistory(
  count: number,
  accounts: number,
  chunk: number,
): Generator<{ records: ProducerRecord[]; net: number }> {
  let state = 42;
  const next = (n: number): number => (state = (state * 1103515245 + 12345) % 2147483648) % n;
  const versions = new Map<string, number>();
  for (let i = 0; i < count; i += chunk) {
    const records: ProducerRecord[] = [];
    let net = 0;
    for (let j = i; j < Math.min(count, i + chunk); j += 1) {
      const id = `acc-${next(accounts)}`;
      const event = next(10) < 6 ? new Deposited(id, 1 + next(100)) : new Withdrawn(id, 1 + next(50));
      net += event instanceof Deposited ? event.amount : -event.amount;
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      const serialized = replaySerializer.serialize(event, {
        eventId: randomUUID(),
        type: '',
        schemaVersion: 1,
        aggregate: 'account',
        aggregateId: id,
        aggregateVersion: version,
        timestamp: Date.now(),
        correlationId: randomUUID(),
        causationId: null,
        headers: {},
      });
      records.push({ topic: REPLAY_TOPIC, key: id, ...serialized });
    }
    yield { records, net };
  }
}
