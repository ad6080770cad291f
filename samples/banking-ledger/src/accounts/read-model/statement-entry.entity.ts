import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MONEY_COLUMN } from '../../read-models/money-column';

export type StatementEntryType =
  'deposit' | 'withdrawal' | 'transfer_out' | 'transfer_in' | 'transfer_refund';

/** One money movement of one account, written by the `accounts` projection. */
@Entity('statement_entries')
export class StatementEntry {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  accountId!: string;

  /** 1, 2, 3, ... per account, in account-version order: the paging cursor (`?after=`). */
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 20 })
  type!: StatementEntryType;

  /** Signed: money in is positive, money out negative. */
  @Column(MONEY_COLUMN)
  amount!: number;

  @Column(MONEY_COLUMN)
  balanceAfter!: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  transferId!: string | null;

  /** When the event was recorded, in milliseconds since the epoch. */
  @Column(MONEY_COLUMN)
  at!: number;
}
