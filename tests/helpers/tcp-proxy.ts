import net from 'node:net';

interface TestContext {
  teardown(fn: () => unknown): void;
}

export interface TcpProxy {
  port: number;
  /** Destroys every connection and refuses new ones (the port is closed): a server gone, as its clients see it. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
}

/**
 * A TCP proxy on a free local port to `target`, for tests that cut a server off from the gateway without stopping
 * the server (the shared PostgreSQL). Closed when the test ends.
 */
export async function startTcpProxy(t: TestContext, target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;

  async function cut(): Promise<void> {
    if (listening) {
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    }
  }
  t.teardown(cut);
  return {
    port,
    cut,
    async restore() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
  };
}
