import { ColumnOptions } from 'typeorm';

/**
 * A column for amounts in minor units: 64-bit in the database, a JavaScript number in the entity
 * (the domain keeps every amount a safe integer). PostgreSQL drivers return bigint as a string,
 * hence the transformer.
 */
export const MONEY_COLUMN: ColumnOptions = {
  type: 'bigint',
  transformer: {
    to: (value: number) => value,
    from: (value: string | number | null) => (value === null ? null : Number(value)),
  },
};
