import { DomainError } from '@eventline/core';

// Business rules an account enforces. Each code is part of the HTTP contract (422).

export class InsufficientFundsError extends DomainError {
  constructor(accountId: string, available: number, amount: number) {
    super(
      'INSUFFICIENT_FUNDS',
      `Account ${accountId} can pay out at most ${available} (balance plus overdraft limit), not ${amount}. Lower the amount or deposit first.`,
      { accountId, available, amount },
    );
  }
}

export class AccountClosedError extends DomainError {
  constructor(accountId: string) {
    super('ACCOUNT_CLOSED', `Account ${accountId} is closed: it takes no more movements.`, { accountId });
  }
}

export class CurrencyMismatchError extends DomainError {
  constructor(accountId: string, accountCurrency: string, currency: string) {
    super(
      'CURRENCY_MISMATCH',
      `Account ${accountId} holds ${accountCurrency}, not ${currency}. Transfer between accounts of the same currency.`,
      { accountId, accountCurrency, currency },
    );
  }
}

export class BalanceNotZeroError extends DomainError {
  constructor(accountId: string, balance: number) {
    super(
      'BALANCE_NOT_ZERO',
      `Account ${accountId} has a balance of ${balance}: withdraw or deposit to reach 0 before closing it.`,
      { accountId, balance },
    );
  }
}

export class TransfersInFlightError extends DomainError {
  constructor(accountId: string, transferIds: readonly string[]) {
    super(
      'TRANSFERS_IN_FLIGHT',
      `Account ${accountId} has outgoing transfers that are not settled yet (${transferIds.join(', ')}). Close it once they complete or fail.`,
      { accountId, transferIds },
    );
  }
}

/** Balances stay exact JavaScript integers: above Number.MAX_SAFE_INTEGER arithmetic would round. */
export class BalanceLimitError extends DomainError {
  constructor(accountId: string, balance: number, amount: number) {
    super(
      'BALANCE_LIMIT_EXCEEDED',
      `Account ${accountId} cannot hold ${balance} + ${amount}: balances are limited to ${Number.MAX_SAFE_INTEGER} minor units.`,
      { accountId, balance, amount },
    );
  }
}
