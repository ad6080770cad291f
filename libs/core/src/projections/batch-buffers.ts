/**
 * Per-batch buffers of one read-model transaction: a handler accumulates writes in memory (e.g.
 * balance deltas per account) and they are flushed once, in order of first use, after the last
 * record of the batch and before its checkpoint is saved — still inside the transaction.
 */
export class BatchBuffers<M> {
  private readonly buffers = new Map<
    string,
    { value: unknown; flush: (value: unknown, manager: M) => Promise<void> }
  >();

  /** `get` bound once per batch: every record's `ctx.buffer` (no closure per record). */
  readonly use = <T>(name: string, create: () => T, flush: (value: T, manager: M) => Promise<void>): T =>
    this.get(name, create, flush);

  get<T>(name: string, create: () => T, flush: (value: T, manager: M) => Promise<void>): T {
    let buffer = this.buffers.get(name);
    if (!buffer) {
      buffer = { value: create(), flush: flush as (value: unknown, manager: M) => Promise<void> };
      this.buffers.set(name, buffer);
    }
    return buffer.value as T;
  }

  async flush(manager: M): Promise<void> {
    for (const { value, flush } of this.buffers.values()) await flush(value, manager);
    this.buffers.clear();
  }
}
