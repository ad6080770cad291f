import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The currency of each account, as the `totals` projection needs it: money events carry only the
 * account id. The projection keeps its own copy so that it can be rebuilt on its own.
 */
@Entity('totals_account_currencies')
export class AccountCurrency {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  accountId!: string;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;
}
