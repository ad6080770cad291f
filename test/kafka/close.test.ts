/**
 * close() releases every connection, also those of reads still waiting at the broker: an
 * application that closes its log must be able to exit (Nest's app.close() while projections long-poll).
 */
import { fork } from 'child_process';
import { join } from 'path';
import { describeKafka } from './support/kafka-broker';

describeKafka('KafkaEventLog.close', (brokers) => {
  jest.setTimeout(120_000);

  it('lets the process exit although a long-polling read was in flight', async () => {
    const child = fork(join(__dirname, 'support/close-during-long-poll.ts'), [brokers, `close-${process.pid}-${Date.now().toString(36)}`], {
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '--no-warnings'],
    });
    let closed = false;
    child.on('message', (m) => (closed ||= m === 'closed'));
    // A leaked socket keeps the child alive for ever; 60 s is only the bound after which it counts as hung.
    const exit = await new Promise<number | string>((resolve) => {
      const hung = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running 60 s after close()');
      }, 60_000);
      child.on('exit', (code) => {
        clearTimeout(hung);
        resolve(code ?? -1);
      });
    });
    expect({ closed, exit }).toEqual({ closed: true, exit: 0 });
  });
});
