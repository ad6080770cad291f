import { ValidatorOptions } from 'class-validator';
import { CommitResult, EventStore } from '../aggregates/event-store';
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
import { CommandReceipt } from './command-receipt';
import { DEFAULT_VALIDATOR_OPTIONS, validateCommand } from './command-validator';
import { IdempotencyStore, StoredOutcome } from './idempotency-store';
import { payloadHash } from './payload-hash';
import { encodePositionToken } from './position-token';
import { MergedAppend } from './merged-append';

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
    let takesHandover = true;
    for (let attempt = 0; ; ) {
      const unit = new UnitOfWork();
      if (!takesHandover) this.store.locks.takeNoHandover(unit);
      let outcome: Attempt<R>;
      try {
        outcome = await this.attempt(command, handle, context, unit, { key, hash, expectedKeyVersion });
      } finally {
        // The aggregates the handler loaded were locked for this process until the append settled
        // (or, merged, are passed on to the next command).
        const group = this.groupOf(unit);
        if (group) this.leave(unit, group);
        this.store.locks.release(unit);
      }
      if ('receipt' in outcome) return outcome.receipt;
      if ('ejected' in outcome) {
        // It did not fit the merged append whose state it got: run it again, alone, once that settled.
        await outcome.ejected;
        takesHandover = false;
      }
      if (key !== undefined) {
        // A concurrent execution with the same key may have won: then its outcome is ours.
        const { outcome: stored, version } = await this.idempotency.lookup(key);
        if (stored) return this.replay(command, key, hash, stored);
        expectedKeyVersion = version;
      }
      if ('lost' in outcome) {
        if (attempt >= retries) throw outcome.lost;
        await backoff(attempt++);
      }
    }
  }

  /** One run of the handler and its append (alone or merged with the commands queued on the same aggregate). */
  private async attempt<R>(
    command: object,
    handle: () => Promise<R>,
    context: MessageContext,
    unit: UnitOfWork,
    idempotency: KeyState,
  ): Promise<Attempt<R>> {
    const { key, hash, expectedKeyVersion } = idempotency;
    let result: R;
    try {
      result = await MessageContexts.run({ ...context, unitOfWork: unit }, handle);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.refuse(command, unit, error, idempotency, context);
    }
    const extras =
      key !== undefined
        ? this.idempotencyExtras(command, key, hash, expectedKeyVersion, result, unit)
        : undefined;
    const group = this.groupOf(unit) ?? this.startGroup(unit, context);
    let commit: Promise<CommitResult>;
    if (group) {
      if (!group.accepts(unit, key)) return this.eject(unit, group);
      commit = group.join(unit, extras, key);
      this.leave(unit, group);
    } else {
      commit = MessageContexts.run(withoutUnit(context), () => this.store.commit(unit, extras));
    }
    let written: CommitResult;
    try {
      written = await commit;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      return { lost: error };
    }
    const receipt: CommandReceipt<R> = {
      result,
      positions: written.positions,
      position: encodePositionToken(written.positions),
      streams: written.writes,
      replayed: false,
    };
    return { receipt };
  }

  /**
   * A DomainError. Decided on state handed over (not written yet), it stands only once that state is
   * written: it joins the merged append (with its stored refusal, if keyed) and waits for it.
   */
  private async refuse<R>(
    command: object,
    unit: UnitOfWork,
    refusal: DomainError,
    { key, hash, expectedKeyVersion }: KeyState,
    context: MessageContext,
  ): Promise<Attempt<R>> {
    const group = this.groupOf(unit);
    if (!group) {
      if (key === undefined) throw refusal;
      return this.rememberRefusal(command, key, hash, expectedKeyVersion, refusal, context);
    }
    const nothing = new UnitOfWork(); // whatever the handler staged before refusing is dropped
    if (!group.accepts(nothing, key)) return this.eject(unit, group);
    const entry = key !== undefined ? this.refusalEntry(command, key, hash, expectedKeyVersion, refusal) : undefined;
    const written = group.join(nothing, entry && { records: [entry.record], expectations: [entry.expectation] }, key);
    this.leave(unit, group);
    try {
      await written;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      return { lost: error };
    }
    throw refusal;
  }

  /** The merged append whose state this unit was handed with its aggregate's lock, if any. */
  private groupOf(unit: UnitOfWork): MergedAppend | undefined {
    return this.store.locks.handoverOf(unit)?.group as MergedAppend | undefined;
  }

  /** A unit that staged one stream on the one aggregate it holds the lock of (snapshots on) can lead a merged append. */
  private startGroup(unit: UnitOfWork, context: MessageContext): MergedAppend | undefined {
    const staged = unit.staged();
    if (staged.length !== 1 || staged[0].cachedState === undefined) return undefined;
    const [stream] = staged;
    const lockKey = `${stream.topic}\u0000${stream.id}`;
    if (!this.store.locks.holds(unit, lockKey)) return undefined;
    return new MergedAppend(this.store, lockKey, { version: stream.expectedVersion, state: '' }, withoutUnit(context));
  }

  /** Gives the aggregate's lock back to the merged append, which passes it on (once per unit). */
  private leave(unit: UnitOfWork, group: MergedAppend): void {
    if (!this.store.locks.holds(unit, group.lockKey)) return;
    this.store.locks.detach(unit, group.lockKey);
    group.passOn();
  }

  private eject<R>(unit: UnitOfWork, group: MergedAppend): Attempt<R> {
    this.leave(unit, group);
    return { ejected: group.settled };
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
    const { record, expectation } = this.refusalEntry(command, key, hash, expectedVersion, refusal);
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

  private refusalEntry(command: object, key: string, hash: string, expectedVersion: number, refusal: DomainError) {
    const outcome: StoredOutcome = {
      command: command.constructor.name,
      payloadHash: hash,
      refusal: refusal.toJSON(),
      streams: [],
    };
    return this.idempotency.entry(key, expectedVersion, outcome);
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
    return receipt;
  }
}

interface KeyState {
  readonly key: string | undefined;
  readonly hash: string;
  readonly expectedKeyVersion: number;
}

type Attempt<R> =
  | { readonly receipt: CommandReceipt<R> }
  | { readonly lost: ConcurrencyError }
  | { readonly ejected: Promise<void> };

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
