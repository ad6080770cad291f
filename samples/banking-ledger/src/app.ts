import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { BankModule } from './bank.module';
import { BankConfig } from './config';

/** Largest request body accepted; a larger one is answered 413 before it is parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The Nest application on Fastify, initialised but not listening (tests use it in-process,
 * main.ts listens). Fastify's JSON parser refuses `__proto__` and `constructor.prototype` keys.
 */
export async function createBankApp(config: BankConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const app = await NestFactory.create<NestFastifyApplication>(BankModule.forRoot(config), adapter, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
