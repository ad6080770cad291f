import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MONEY_COLUMN } from '../read-models/money-column';

/** What the bank holds per currency, written by the `totals` projection. */
@Entity('currency_totals')
export class CurrencyTotal {
  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency!: string;

  /** Open accounts in this currency. */
  @Column({ type: 'integer' })
  accounts!: number;

  /** Sum of their balances; transfers in flight are between accounts and not counted. */
  @Column(MONEY_COLUMN)
  balance!: number;
}
