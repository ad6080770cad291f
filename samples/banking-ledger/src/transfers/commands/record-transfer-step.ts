import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Transfer } from '../transfer.aggregate';

const STEPS = ['debited', 'credit-refused', 'completed', 'failed'] as const;
export type TransferStep = (typeof STEPS)[number];

/** Records what the transfer process just did (or was refused) on the transfer. */
export class RecordTransferStep {
  @IsString() readonly transferId!: string;
  @IsIn(STEPS) readonly step!: TransferStep;
  /** The refusing rule's code, for `credit-refused` and `failed`. */
  @IsOptional() @IsString() readonly reason?: string;

  constructor(fields: RecordTransferStep) {
    Object.assign(this, fields);
  }
}

@CommandHandler(RecordTransferStep)
export class RecordTransferStepHandler implements ICommandHandler<RecordTransferStep> {
  constructor(@InjectRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>) {}

  async execute({ transferId, step, reason }: RecordTransferStep): Promise<void> {
    const transfer = await this.transfers.load(transferId);
    if (step === 'debited') transfer.markDebited();
    if (step === 'credit-refused') transfer.refuseCredit(reason ?? 'UNKNOWN');
    if (step === 'completed') transfer.complete();
    if (step === 'failed') transfer.fail(reason ?? 'UNKNOWN');
    await this.transfers.save(transfer);
  }
}
