import { Event } from '@eventline/core';

// Steps of a transfer are recorded as events (also refusals), so the saga decides on facts in the
// log: a re-delivered event leads to the same next step. Each event carries what the next step needs.

@Event('bank.transfer-requested')
export class TransferRequested {
  constructor(
    readonly transferId: string,
    readonly from: string,
    readonly to: string,
    readonly amount: number,
  ) {}
}

@Event('bank.transfer-completed')
export class TransferCompleted {
  constructor(readonly transferId: string) {}
}

@Event('bank.transfer-failed')
export class TransferFailed {
  constructor(
    readonly transferId: string,
    readonly reason: string,
  ) {}
}

@Event('bank.debited-for-transfer')
export class DebitedForTransfer {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
    readonly to: string,
  ) {}
}

@Event('bank.debit-rejected')
export class DebitRejected {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly reason: string,
  ) {}
}

@Event('bank.credited-for-transfer')
export class CreditedForTransfer {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
  ) {}
}

@Event('bank.credit-rejected')
export class CreditRejected {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
    readonly from: string,
  ) {}
}

@Event('bank.refunded-for-transfer')
export class RefundedForTransfer {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
  ) {}
}
