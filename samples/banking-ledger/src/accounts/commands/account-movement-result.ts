/** What a command on an existing account returns: the account's version after it. */
export interface AccountMovementResult {
  readonly accountId: string;
  readonly version: number;
}
