import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A server that records everything it was sent, to show what reached it. */
export interface Recorder {
  host: string;
  port: number;
  /** Everything received, over all connections, as text (binary protocol bytes included). */
  received(): string;
  connections(): number;
}

/**
 * A stand-in PostgreSQL server: answers a startup message by asking for the password in clear (as a server an
 * attacker runs would), records it, and refuses the login.
 */
export async function startFakePostgres(t: Teardown, host = '127.0.0.1', port = 0): Promise<Recorder> {
  let received = '';
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    let asked = false;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!asked) {
        asked = true;
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
      } else {
        const message = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0', 'latin1');
        const header = Buffer.alloc(5);
        header.write('E', 0, 'latin1');
        header.writeInt32BE(message.length + 4, 1);
        socket.end(Buffer.concat([header, message]));
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(port, host);
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return { host, port: (server.address() as AddressInfo).port, received: () => received, connections: () => connections };
}

/** An HTTP server answering every request with an empty JSON list, recording each request's line and headers. */
export async function startRecordingHttp(t: Teardown, host = '127.0.0.1'): Promise<Recorder> {
  let received = '';
  let connections = 0;
  const server = createHttpServer((request, response) => {
    connections++;
    received += `${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n`;
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  server.listen(0, host);
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { host, port: (server.address() as AddressInfo).port, received: () => received, connections: () => connections };
}

/** Runs one statement on a test gateway's own database, as someone reading the tables directly would. */
export async function sql<R extends pg.QueryResultRow>(database: { databaseUrl: string }, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
