import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Repository } from 'typeorm';
import { NotFoundError } from '@eventline/core';
import { InjectReadModelRepository } from '@eventline/typeorm';
import { TransferView } from '../read-model/transfer-view.entity';

export interface TransferResponse {
  readonly transferId: string;
  readonly status: 'pending' | 'completed' | 'failed';
  readonly reason?: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: number;
}

export class GetTransfer {
  constructor(readonly transferId: string) {}
}

@QueryHandler(GetTransfer)
export class GetTransferHandler implements IQueryHandler<GetTransfer, TransferResponse> {
  constructor(
    @InjectReadModelRepository(TransferView) private readonly transfers: Repository<TransferView>,
  ) {}

  async execute({ transferId }: GetTransfer): Promise<TransferResponse> {
    const view = await this.transfers.findOneBy({ transferId });
    if (!view) throw new NotFoundError(`Transfer ${transferId} does not exist.`, { transferId });
    const { status, reason, fromAccountId, toAccountId, amount } = view;
    return { transferId, status, ...(reason !== null ? { reason } : {}), fromAccountId, toAccountId, amount };
  }
}
