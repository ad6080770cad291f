import { RebuildInProgressError } from '@eventline/core';
import { EntityManager } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { isSqlite } from './transaction-queue';

/** A claim older than this is a crashed rebuilder's: another process may take over. */
export const CLAIM_STALE_MS = 30_000;

/**
 * The rebuild claim of a projection: one row in projection_checkpoints under `<name>#rebuild`
 * (never read as a checkpoint), whose `topic` column holds the shadow tables' prefix, so a
 * successor can drop a crashed rebuilder's tables.
 */
export function claimName(projection: string): string {
  return `${projection}#rebuild`;
}

/** Takes the claim (or a stale one over) inside `manager`'s transaction; returns the previous prefix, if any. */
export async function takeClaim(
  manager: EntityManager,
  projection: string,
  prefix: string,
  version: number,
  now: number,
): Promise<string | undefined> {
  const name = claimName(projection);
  if (isSqlite(manager.connection)) {
    // A write first: the database write lock, so two processes cannot both see "no claim".
    await manager.update(ProjectionCheckpointEntity, { projection: name }, { version: () => 'version' });
  } else if (manager.connection.options.type === 'postgres') {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`eventline.rebuild:${projection}`]);
  }
  const held = await manager.findOneBy(ProjectionCheckpointEntity, { projection: name });
  if (held && now - held.updatedAt < CLAIM_STALE_MS)
    throw new RebuildInProgressError(projection, now - held.updatedAt);
  if (held) await manager.delete(ProjectionCheckpointEntity, { projection: name });
  await manager.insert(ProjectionCheckpointEntity, {
    projection: name,
    topic: prefix,
    partition: 0,
    nextOffset: 0,
    version,
    updatedAt: now,
  });
  return held?.topic;
}

export async function refreshClaim(manager: EntityManager, projection: string, now: number): Promise<void> {
  await manager.update(ProjectionCheckpointEntity, { projection: claimName(projection) }, { updatedAt: now });
}

export async function releaseClaim(manager: EntityManager, projection: string): Promise<void> {
  await manager.delete(ProjectionCheckpointEntity, { projection: claimName(projection) });
}
