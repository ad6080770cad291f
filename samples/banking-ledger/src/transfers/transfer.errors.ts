import { DomainError } from '@eventline/core';

export class SameAccountError extends DomainError {
  constructor(accountId: string) {
    super('SAME_ACCOUNT', `A transfer needs two different accounts; both are ${accountId}.`, { accountId });
  }
}
