import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Which way a chunk travels: from the client to the server, or back. */
export type Direction = 'up' | 'down';

interface Link {
  client: Socket;
  server: Socket;
  /** Chunks held back while the link is stalled, in order. */
  held: Array<{ to: Socket; chunk: Buffer }>;
  stalled: boolean;
}

interface Trigger {
  match: (chunk: Buffer, direction: Direction) => boolean;
  fired: (link: { cut(): void }) => void;
}

/**
 * A TCP proxy between the app and one of its peers (PostgreSQL, Redis, SMTP), standing in for
 * toxiproxy: it adds latency, stalls (holds every byte without closing, like a peer that stops
 * answering), cuts connections, refuses new ones, and can stall the one connection that sends a
 * given statement (`stallOn`), which is how a test stops a process between two steps.
 *
 *   const proxy = await FaultProxy.start(5432);
 *   proxy.latencyMs = 200; proxy.stall(); proxy.resume(); proxy.cut();
 */
export class FaultProxy {
  /** Added before each forwarded chunk, both ways. */
  latencyMs = 0;
  /** New connections are closed at once (the peer is down). */
  refusing = false;
  /** Connections accepted since start. */
  accepted = 0;
  private readonly links = new Set<Link>();
  private stalledAll = false;
  private triggers: Trigger[] = [];
  private server: Server;
  private listenPort = 0;

  private constructor(
    private targetPort: number,
    private readonly targetHost: string,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetPort, targetHost);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.listenPort = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Where new connections go (a peer restarted on another port). */
  retarget(port: number): void {
    this.targetPort = port;
  }

  /** Holds every byte of every connection, current and new, until `resume()`. */
  stall(): void {
    this.stalledAll = true;
    for (const link of this.links) link.stalled = true;
  }

  resume(): void {
    this.stalledAll = false;
    for (const link of this.links) this.release(link);
  }

  /** Resets every open connection (both sides see it closed). */
  cut(): void {
    for (const link of this.links) destroy(link);
  }

  /**
   * The first chunk matching `match` is held (with everything after it on that connection), and
   * `fired` runs; the test then decides what happens (kill the process, cut the link).
   */
  stallOn(
    match: (chunk: Buffer, direction: Direction) => boolean,
    fired: (link: { cut(): void }) => void,
  ): void {
    this.triggers.push({ match, fired });
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.setNoDelay(true);
    if (this.refusing) {
      client.destroy();
      return;
    }
    const server = createConnection({ host: this.targetHost, port: this.targetPort });
    server.setNoDelay(true);
    const link: Link = { client, server, held: [], stalled: this.stalledAll };
    this.links.add(link);
    const close = () => {
      destroy(link);
      this.links.delete(link);
    };
    client.on('error', close).on('close', close);
    server.on('error', close).on('close', close);
    client.on('data', (chunk: Buffer) => this.forward(link, server, chunk, 'up'));
    server.on('data', (chunk: Buffer) => this.forward(link, client, chunk, 'down'));
  }

  private forward(link: Link, to: Socket, chunk: Buffer, direction: Direction): void {
    const trigger = this.triggers.find((t) => t.match(chunk, direction));
    if (trigger) {
      this.triggers = this.triggers.filter((t) => t !== trigger);
      link.stalled = true;
      trigger.fired({ cut: () => destroy(link) });
    }
    if (link.stalled) {
      link.held.push({ to, chunk });
      return;
    }
    this.send(to, chunk);
  }

  private release(link: Link): void {
    link.stalled = false;
    for (const { to, chunk } of link.held.splice(0)) this.send(to, chunk);
  }

  private send(to: Socket, chunk: Buffer): void {
    if (this.latencyMs <= 0) {
      if (!to.destroyed) to.write(chunk);
      return;
    }
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, this.latencyMs);
  }
}

function destroy(link: Link): void {
  link.held.length = 0;
  link.client.destroy();
  link.server.destroy();
}
