import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createBankApp } from '../../src/app';
import { configFromEnv } from '../../src/config';
import { LedgerClient, Send } from './ledger-client';

export type Http = ReturnType<typeof request>;

export interface RunningBank {
  readonly app: NestFastifyApplication;
  readonly http: Http;
  readonly client: LedgerClient;
  readonly file: string;
  close(): Promise<void>;
}

/** A fresh data directory for one suite. */
export function tempBankFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'banking-ledger-')), 'bank.db');
}

/** The real application in-process (embedded engine on `file`), driven over HTTP by supertest. */
export async function startBank(file = tempBankFile(), env: NodeJS.ProcessEnv = {}): Promise<RunningBank> {
  const app = await createBankApp(configFromEnv({ EVENTLINE_SQLITE_FILE: file, ...env }));
  const http = request(app.getHttpServer());
  return {
    app,
    http,
    client: new LedgerClient(supertestSend(http)),
    file,
    close: () => app.close(),
  };
}

/** The contract's calls over supertest. */
export function supertestSend(http: Http): Send {
  return async (method, path, body, headers = {}) => {
    const call = method === 'GET' ? http.get(path) : http.post(path);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    const response = body === undefined ? await call : await call.send(body as object);
    return { status: response.status, body: response.body as unknown };
  };
}
