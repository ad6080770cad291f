import { ValidationError } from '../errors';
import { RecordPosition } from '../log/record';

/**
 * A consistency token: the highest appended offset per topic-partition, as `topic:partition@offset`
 * joined by commas. Opaque to clients, stable, and short enough for an HTTP header.
 *
 * @example
 * encodePositionToken([{ topic: 'account.events', partition: 3, offset: 41 }]) // 'account.events:3@41'
 */
export function encodePositionToken(positions: readonly RecordPosition[]): string {
  if (positions.length === 1) return format(positions[0]); // the usual command: one event, no Map or sort
  const highest = new Map<string, RecordPosition>();
  for (const p of positions) {
    const id = `${p.topic}:${p.partition}`;
    const seen = highest.get(id);
    if (!seen || seen.offset < p.offset) highest.set(id, p);
  }
  return [...highest.values()]
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    .map(format)
    .join(',');
}

function format(p: RecordPosition): string {
  return `${p.topic}:${p.partition}@${p.offset}`;
}

const PART = /^([a-zA-Z0-9._-]+):(\d+)@(\d+)$/;

/** Positions in a token from encodePositionToken; throws ValidationError (code INVALID_POSITION_TOKEN). */
export function decodePositionToken(token: string): RecordPosition[] {
  if (token === '') return [];
  return token.split(',').map((part) => {
    const match = PART.exec(part);
    if (!match) {
      throw new ValidationError(
        `"${token}" is not a position token: expected topic:partition@offset[,...].`,
        { token },
        'INVALID_POSITION_TOKEN',
      );
    }
    return { topic: match[1], partition: Number(match[2]), offset: Number(match[3]) };
  });
}
