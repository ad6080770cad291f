'use strict';
/**
 * The ledger in Emmett's idiom: events as { type, data }, evolve folds state, CommandHandler loads
 * the stream (Emmett reads the whole stream: it has no snapshots), decides and appends with the
 * expected stream version. A transfer is two commands (out, then in): Emmett appends to one stream
 * at a time. The projection is inline: it runs in the append's own transaction.
 */
const { CommandHandler } = require('@event-driven-io/emmett');
const { InsufficientFunds } = require('./driver-support.cjs');

const initialState = () => ({ balance: 0 });

function evolve(state, { type, data }) {
  switch (type) {
    case 'Deposited':
    case 'TransferredIn':
      return { balance: state.balance + data.amount };
    case 'Withdrawn':
    case 'TransferredOut':
      return { balance: state.balance - data.amount };
    default:
      return state;
  }
}

const handle = CommandHandler({ evolve, initialState, mapToStreamId: (id) => `account-${id}` });

function ensureFunds(state, amount) {
  if (amount > state.balance) throw new InsufficientFunds(`holds ${state.balance}, not ${amount}`);
}

/** Runs one workload command against `eventStore`. */
async function execute(eventStore, c) {
  if (c.kind === 'deposit') {
    await handle(eventStore, c.account, () => ({
      type: 'Deposited',
      data: { accountId: c.account, amount: c.amount },
    }));
  } else if (c.kind === 'withdraw') {
    await handle(eventStore, c.account, (state) => {
      ensureFunds(state, c.amount);
      return { type: 'Withdrawn', data: { accountId: c.account, amount: c.amount } };
    });
  } else {
    await handle(eventStore, c.account, (state) => {
      ensureFunds(state, c.amount);
      return { type: 'TransferredOut', data: { accountId: c.account, to: c.to, amount: c.amount } };
    });
    await handle(eventStore, c.to, () => ({
      type: 'TransferredIn',
      data: { accountId: c.to, from: c.account, amount: c.amount },
    }));
  }
}

const EVENT_TYPES = ['Deposited', 'Withdrawn', 'TransferredOut', 'TransferredIn'];

/** The signed amount an event moves: the projection's upsert adds it. */
function delta({ type, data }) {
  return type === 'Deposited' || type === 'TransferredIn' ? data.amount : -data.amount;
}

/** Ids in the workload are `acc-<n>` / `warm-<n>`: safe to inline (Emmett's raw SQL projections take SQL text). */
function upsertSql(event) {
  const id = String(event.data.accountId).replace(/'/g, "''");
  return `INSERT INTO bench_balances (id, balance, events) VALUES ('${id}', ${Number(delta(event))}, 1)
    ON CONFLICT (id) DO UPDATE SET balance = bench_balances.balance + excluded.balance, events = bench_balances.events + 1`;
}

const CREATE_READ_MODEL = `CREATE TABLE IF NOT EXISTS bench_balances (
  id VARCHAR PRIMARY KEY, balance INTEGER NOT NULL, events INTEGER NOT NULL)`;

module.exports = { execute, EVENT_TYPES, upsertSql, CREATE_READ_MODEL };
