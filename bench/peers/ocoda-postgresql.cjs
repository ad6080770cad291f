'use strict';
/**
 * @ocoda/event-sourcing on PostgreSQL: its AggregateRoot (events applied by `on<Event>` handlers),
 * EventMap with the default class-transformer serializer, EventStream, and the EventStore base class
 * (which publishes each appended envelope), over the PostgreSQL store of ocoda-postgres-event-store.cjs.
 * A repository loads the stream and appends with the version, as in ocoda's examples. The projection
 * is the store's publish hook: an upsert per envelope right after the append commits (not in its
 * transaction — ocoda publishes after the write). Used without Nest's DI container: the library's
 * module can only build its own in-memory/MongoDB/DynamoDB stores.
 */
require('reflect-metadata');
const pg = require('pg');
const {
  Aggregate,
  AggregateRoot,
  DefaultEventSerializer,
  Event,
  EventMap,
  EventStream,
  Id,
} = require('@ocoda/event-sourcing');
const { PostgresEventStore } = require('./ocoda-postgres-event-store.cjs');
const support = require('./driver-support.cjs');
const { CREATE_READ_MODEL } = require('./emmett-ledger.cjs');

class Deposited {
  constructor(props) {
    Object.assign(this, props);
  }
}
class Withdrawn {
  constructor(props) {
    Object.assign(this, props);
  }
}
class TransferredOut {
  constructor(props) {
    Object.assign(this, props);
  }
}
class TransferredIn {
  constructor(props) {
    Object.assign(this, props);
  }
}
const EVENTS = [Deposited, Withdrawn, TransferredOut, TransferredIn];
for (const cls of EVENTS) Event(cls.name)(cls);

class Account extends AggregateRoot {
  constructor() {
    super();
    this.balance = 0;
  }
  ensureFunds(amount) {
    if (amount > this.balance) throw new support.InsufficientFunds(`holds ${this.balance}, not ${amount}`);
  }
  deposit(amount) {
    this.applyEvent(new Deposited({ accountId: this.id, amount }));
  }
  withdraw(amount) {
    this.ensureFunds(amount);
    this.applyEvent(new Withdrawn({ accountId: this.id, amount }));
  }
  transferOut(to, amount) {
    this.ensureFunds(amount);
    this.applyEvent(new TransferredOut({ accountId: this.id, to, amount }));
  }
  transferIn(from, amount) {
    this.applyEvent(new TransferredIn({ accountId: this.id, from, amount }));
  }
  onDeposited(e) {
    this.id = e.accountId;
    this.balance += e.amount;
  }
  onWithdrawn(e) {
    this.balance -= e.amount;
  }
  onTransferredOut(e) {
    this.balance -= e.amount;
  }
  onTransferredIn(e) {
    this.id = e.accountId;
    this.balance += e.amount;
  }
}
Aggregate({ streamName: 'account' })(Account);

class AccountId extends Id {}

class AccountRepository {
  constructor(store) {
    this.store = store;
  }
  async getById(id) {
    const account = new Account();
    account.id = id;
    await account.loadFromHistory(this.store.getEvents(EventStream.for(Account, AccountId.from(id))));
    return account;
  }
  async save(account) {
    const events = account.commit();
    await this.store.appendEvents(
      EventStream.for(Account, AccountId.from(account.id)),
      account.version,
      events,
    );
  }
}

async function execute(accounts, c) {
  const account = await accounts.getById(c.account);
  if (c.kind === 'deposit') account.deposit(c.amount);
  else if (c.kind === 'withdraw') account.withdraw(c.amount);
  else {
    account.transferOut(c.to, c.amount);
    await accounts.save(account);
    const target = await accounts.getById(c.to);
    target.transferIn(c.account, c.amount);
    await accounts.save(target);
    return;
  }
  await accounts.save(account);
}

support.main(async () => {
  const { job, workload } = support.readJob();
  const pool = new pg.Pool({ connectionString: job.pgUrl });
  const eventMap = new EventMap();
  for (const cls of EVENTS) eventMap.register(cls, DefaultEventSerializer.for(cls));
  const store = new PostgresEventStore(eventMap, pool);
  await store.setup();
  await pool.query(CREATE_READ_MODEL);
  store.publish = async ({ event, payload }) => {
    const amount = event === 'Deposited' || event === 'TransferredIn' ? payload.amount : -payload.amount;
    await pool.query(
      `INSERT INTO bench_balances (id, balance, events) VALUES ($1, $2, 1)
       ON CONFLICT (id) DO UPDATE SET balance = bench_balances.balance + excluded.balance, events = bench_balances.events + 1`,
      [payload.accountId, amount],
    );
  };
  const accounts = new AccountRepository(store);
  const measured = await support.runWorkload(
    workload,
    (c) => execute(accounts, c),
    async () => {},
  );
  const { rows } = await pool.query(support.READ_MODEL_SQL);
  await pool.end();
  support.emit({
    system: 'ocoda',
    backend: 'postgresql',
    ...measured,
    readModel: support.readModelOf(rows[0]),
    facts: {
      version: support.versionOf('@ocoda/event-sourcing'),
      store:
        'PostgreSQL EventStore written for this bench (ocoda ships none), modelled on its MongoDBEventStore',
      projection: 'publish hook: one upsert per envelope after the append commits',
      transfer: 'two saves on two streams',
      snapshots: 'none',
    },
  });
});
