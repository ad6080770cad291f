import { ValueTransformer } from 'typeorm';

/** bigint columns come back as strings from PostgreSQL; offsets and timestamps stay far below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
