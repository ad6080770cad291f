import { uuidV4 } from './uuid-v4';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV4', () => {
  // 10 000 ids span 40 refills of the 256-id random pool.
  const ids = Array.from({ length: 10_000 }, () => uuidV4());

  it('makes RFC 4122 version 4 UUIDs, as crypto.randomUUID does', () => {
    for (const id of ids) expect(id).toMatch(V4);
  });

  it('never repeats an id, also across refills of its random pool', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws every random digit from all 16 values (no position stuck or biased to a few values)', () => {
    for (let position = 0; position < 36; position++) {
      if ([8, 13, 14, 18, 23].includes(position)) continue; // dashes, the version digit
      const digits = new Set(ids.map((id) => id[position]));
      expect(digits.size).toBe(position === 19 ? 4 : 16); // the variant digit is one of 8, 9, a, b
    }
  });
});
