import { ValidatorOptions } from 'class-validator';
import { EventStore } from '../aggregates/event-store';
import {
  ConcurrencyError,
  DomainError,
  IdempotencyKeyReusedError,
  UnserializableResultError,
} from '../errors';
import { MessageContext, MessageContexts } from '../messaging/message-context';
import { UnitOfWork } from '../messaging/unit-of-work';
import { CommandOptions, commandOptionsOf } from './command-options';
import { concurrencyRetriesOf } from './concurrency-retries.decorator';
import { CommandReceipt, storeCommandReceipt } from './command-receipt';
import { DEFAULT_VALIDATOR_OPTIONS, validateCommand } from './command-validator';
import { IdempotencyStore, StoredOutcome } from './idempotency-store';
import { payloadHash } from './payload-hash';
import { encodePositionToken } from './position-token';

export interface CommandPipelineOptions {
  /** Re-run the handler on fresh state this many times when it loses a race (default 0: ConcurrencyError). */
  readonly concurrencyRetries?: number;
  readonly validator?: ValidatorOptions;
}

/**
 * What happens around every command handler: validation, idempotency, a unit of work committed in
 * one atomic append after the handler returns, retry on a lost race, then publication of the events.
 *
 * @example
 * const receipt = await pipeline.execute(command, () => handler.execute(command));
 */
export class CommandPipeline {
  private readonly retries: number;
  private readonly validator: ValidatorOptions;

  constructor(
    private readonly store: EventStore,
    readonly idempotency: IdempotencyStore,
    options: CommandPipelineOptions = {},
  ) {
    this.retries = options.concurrencyRetries ?? 0;
    this.validator = options.validator ?? DEFAULT_VALIDATOR_OPTIONS;
  }

  async execute<R>(
    command: object,
    handle: () => Promise<R>,
    options: CommandOptions = commandOptionsOf(command),
  ): Promise<CommandReceipt<R>> {
    await validateCommand(command, this.validator);
    const context = MessageContexts.next({
      ...(options.correlationId !== undefined ? { correlationId: options.correlationId } : {}),
      ...(options.causationId !== undefined ? { causationId: options.causationId } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    const key = options.idempotencyKey;
    const hash = key !== undefined ? payloadHash(command) : '';
    let expectedKeyVersion = 0;
    if (key !== undefined) {
      const { outcome, version } = await this.idempotency.lookup(key);
      if (outcome) return this.replay(command, key, hash, outcome);
      expectedKeyVersion = version;
    }
    const retries = options.concurrencyRetries ?? concurrencyRetriesOf(command) ?? this.retries;
    for (let attempt = 0; ; attempt++) {
      const unit = new UnitOfWork();
      let lost: ConcurrencyError;
      try {
        let result: R;
        try {
          result = await MessageContexts.run({ ...context, unitOfWork: unit }, handle);
        } catch (error) {
          if (key === undefined || !(error instanceof DomainError)) throw error;
          return await this.rememberRefusal(command, key, hash, expectedKeyVersion, error, context);
        }
        const extras =
          key !== undefined
            ? this.idempotencyExtras(command, key, hash, expectedKeyVersion, result, unit)
            : undefined;
        try {
          const commit = await MessageContexts.run(withoutUnit(context), () =>
            this.store.commit(unit, extras),
          );
          const receipt: CommandReceipt<R> = {
            result,
            positions: commit.positions,
            position: encodePositionToken(commit.positions),
            streams: commit.writes,
            replayed: false,
          };
          storeCommandReceipt(command, receipt);
          return receipt;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          lost = error;
        }
      } finally {
        // The aggregates the handler loaded were locked for this process until the append settled.
        this.store.locks.release(unit);
      }
      if (key !== undefined) {
        // A concurrent execution with the same key may have won: then its outcome is ours.
        const { outcome, version } = await this.idempotency.lookup(key);
        if (outcome) return this.replay(command, key, hash, outcome);
        expectedKeyVersion = version;
      }
      if (attempt >= retries) throw lost;
      await backoff(attempt);
    }
  }

  private idempotencyExtras(
    command: object,
    key: string,
    hash: string,
    expectedVersion: number,
    result: unknown,
    unit: UnitOfWork,
  ) {
    let stored: unknown;
    try {
      stored = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    } catch (e) {
      throw new UnserializableResultError(command.constructor.name, (e as Error).message);
    }
    const outcome: StoredOutcome = {
      command: command.constructor.name,
      payloadHash: hash,
      ...(stored !== undefined ? { result: stored } : {}),
      streams: unit.writes(),
    };
    const { record, expectation } = this.idempotency.entry(key, expectedVersion, outcome);
    return { records: [record], expectations: [expectation] };
  }

  /**
   * A refusal is a decision too: stored under the key (with no events), so a repeat gets the same
   * answer even if the state has changed since — as an HTTP client retrying a 422 expects.
   */
  private async rememberRefusal(
    command: object,
    key: string,
    hash: string,
    expectedVersion: number,
    refusal: DomainError,
    context: MessageContext,
  ): Promise<never> {
    const outcome: StoredOutcome = {
      command: command.constructor.name,
      payloadHash: hash,
      refusal: refusal.toJSON(),
      streams: [],
    };
    const { record, expectation } = this.idempotency.entry(key, expectedVersion, outcome);
    try {
      await MessageContexts.run(withoutUnit(context), () =>
        this.store.commit(new UnitOfWork(), { records: [record], expectations: [expectation] }),
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      // A concurrent execution with the same key decided first: its outcome is the answer.
      const { outcome: first } = await this.idempotency.lookup(key);
      if (first) await this.replay(command, key, hash, first);
    }
    throw refusal;
  }

  private async replay<R>(
    command: object,
    key: string,
    hash: string,
    outcome: StoredOutcome,
  ): Promise<CommandReceipt<R>> {
    if (outcome.payloadHash !== hash) throw new IdempotencyKeyReusedError(key, command.constructor.name);
    if (outcome.refusal) {
      const { code, message, details } = outcome.refusal;
      throw new DomainError(code, message, details);
    }
    const positions = await this.idempotency.positionsOf(outcome.streams);
    const receipt: CommandReceipt<R> = {
      result: outcome.result as R,
      positions,
      position: encodePositionToken(positions),
      streams: outcome.streams,
      replayed: true,
    };
    storeCommandReceipt(command, receipt);
    return receipt;
  }
}

function withoutUnit(context: MessageContext): MessageContext {
  return {
    messageId: context.messageId,
    correlationId: context.correlationId,
    causationId: context.causationId,
    headers: context.headers,
  };
}

// Jitter spreads racing retries apart so they do not collide again in lockstep.
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
