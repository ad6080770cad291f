import { Event } from '@eventline/core';

// Event types are stored in the log: never rename them. Amounts are integers in minor units (cents).

@Event('account.opened')
export class AccountOpened {
  constructor(
    readonly accountId: string,
    readonly owner: string,
    readonly currency: string,
    readonly overdraftLimit: number,
  ) {}
}

@Event('account.deposited')
export class MoneyDeposited {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly reference: string | null,
  ) {}
}

@Event('account.withdrawn')
export class MoneyWithdrawn {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly reference: string | null,
  ) {}
}

/** Money left this account for a transfer; it stays "in flight" until the transfer settles or is refunded. */
@Event('account.transfer-sent')
export class TransferSent {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
  ) {}
}

@Event('account.transfer-received')
export class TransferReceived {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
  ) {}
}

/** The destination refused the money: it comes back to the source. */
@Event('account.transfer-refunded')
export class TransferRefunded {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
  ) {}
}

/** The destination took the money: nothing is in flight for this transfer any more. */
@Event('account.transfer-settled')
export class TransferSettled {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
  ) {}
}

@Event('account.closed')
export class AccountClosed {
  constructor(readonly accountId: string) {}
}
