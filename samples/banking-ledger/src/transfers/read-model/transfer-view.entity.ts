import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MONEY_COLUMN } from '../../read-models/money-column';

/** One row per transfer, written by the `transfers` projection. */
@Entity('transfer_views')
export class TransferView {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  transferId!: string;

  @Column({ type: 'varchar', length: 100 })
  fromAccountId!: string;

  @Column({ type: 'varchar', length: 100 })
  toAccountId!: string;

  @Column(MONEY_COLUMN)
  amount!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: 'pending' | 'completed' | 'failed';

  /** The code of the rule that refused the transfer (INSUFFICIENT_FUNDS, ACCOUNT_CLOSED, ...). */
  @Column({ type: 'varchar', length: 50, nullable: true })
  reason!: string | null;
}
