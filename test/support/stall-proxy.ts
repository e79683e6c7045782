import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'stall' | 'refuse';

export interface StallProxy {
  /** `url` with its host and port replaced by the proxy's. */
  url: string;
  /**
   * `forward`: a plain TCP relay. `stall`: connections stay open and new ones are accepted, but
   * no byte moves either way (a peer that stopped answering, not refusing). `refuse`: every
   * connection is reset and new ones are refused (a peer that is down).
   */
  set(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy in front of `targetUrl` (postgres://… or redis://…) that a test can cut or freeze. */
export async function startStallProxy(targetUrl: string): Promise<StallProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let mode: ProxyMode = 'forward';
  let server: Server | null = null;
  let port = 0;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const relay = (from: Socket, to: Socket) =>
    from.on('data', (chunk) => {
      if (mode === 'forward') to.write(chunk);
    });
  const onConnection = (client: Socket) => {
    track(client);
    if (mode === 'stall') return;
    const upstream = connect(Number(target.port), target.hostname);
    track(upstream);
    relay(client, upstream);
    relay(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as { port: number }).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });

  await listen();
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    async set(next) {
      mode = next;
      if (next === 'refuse') {
        await Promise.all([stopListening(), ...[...sockets].map((s) => s.resetAndDestroy())]);
      } else if (!server) {
        await listen();
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await stopListening();
    },
  };
}
