import { EventLog, EventlineError, LogRecord } from '@eventline/core';

/** Asserts that `promise` rejects with an EventlineError of this code, and returns it. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<EventlineError> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(EventlineError);
  expect((thrown as EventlineError).code).toBe(code);
  return thrown as EventlineError;
}

export async function readAll(log: EventLog, topic: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (const { partition, beginOffset, endOffset } of await log.offsets(topic)) {
    let offset = beginOffset;
    while (offset < endOffset) {
      const batch = await log.read(topic, partition, offset, { maxRecords: 1000 });
      if (batch.length === 0) break;
      out.push(...batch);
      offset = batch[batch.length - 1].offset + 1;
    }
  }
  return out;
}

export async function endOffsets(log: EventLog, topic: string): Promise<number[]> {
  return (await log.offsets(topic)).map((o) => o.endOffset);
}

export const text = (s: string): Buffer => Buffer.from(s, 'utf8');
