import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MONEY_COLUMN } from '../../read-models/money-column';

/** One row per account, written by the `accounts` projection. */
@Entity('account_views')
export class AccountView {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  accountId!: string;

  @Column({ type: 'varchar', length: 200 })
  owner!: string;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column(MONEY_COLUMN)
  balance!: number;

  @Column(MONEY_COLUMN)
  overdraftLimit!: number;

  @Column({ type: 'varchar', length: 10 })
  status!: 'open' | 'closed';

  /** The account's version (its number of events) that this row reflects. */
  @Column({ type: 'integer' })
  version!: number;

  /** Number of statement entries: the sequence number of the latest one. */
  @Column({ type: 'integer' })
  entries!: number;
}
