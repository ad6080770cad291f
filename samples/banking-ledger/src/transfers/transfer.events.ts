import { Event } from '@eventline/core';

// The steps of one transfer, in its own stream `transfer.events` keyed by transfer id.
// The transfer process reacts to each of them; see transfer.process.ts.

@Event('transfer.requested')
export class TransferRequested {
  constructor(
    readonly transferId: string,
    readonly fromAccountId: string,
    readonly toAccountId: string,
    readonly amount: number,
    readonly currency: string,
    readonly reference: string | null,
  ) {}
}

/** The source account was debited: the money is in flight. */
@Event('transfer.debited')
export class TransferDebited {
  constructor(readonly transferId: string) {}
}

/** The destination refused the money (`reason` is its error code); a refund to the source follows. */
@Event('transfer.credit-refused')
export class TransferCreditRefused {
  constructor(
    readonly transferId: string,
    readonly reason: string,
  ) {}
}

@Event('transfer.completed')
export class TransferCompleted {
  constructor(readonly transferId: string) {}
}

/** Final: the source was never debited, or it was refunded. `reason` is the refusing rule's code. */
@Event('transfer.failed')
export class TransferFailed {
  constructor(
    readonly transferId: string,
    readonly reason: string,
  ) {}
}
