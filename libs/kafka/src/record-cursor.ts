/** Varints of the record format (zigzag), read straight from one contiguous buffer. */
export class RecordCursor {
  constructor(
    private readonly data: Buffer,
    public position: number,
  ) {}

  varint(): number {
    let raw = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.data[this.position++];
      raw |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A varlong as a number: exact up to 2^53, plenty for timestamp deltas. */
  varlong(): number {
    let raw = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.data[this.position++];
      raw += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80 && scale <= 2 ** 63);
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }
}

export function readInt64(data: Buffer, position: number): number {
  return data.readInt32BE(position) * 2 ** 32 + data.readUInt32BE(position + 4);
}
