import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Graceful HTTP shutdown without waiting on clients. Node's server.close() only stops accepting:
 * a keep-alive connection that keeps sending requests is served on and on, and the process then
 * dies on the shutdown timeout with a request in flight. From `drain()` on, every response
 * carries `Connection: close` (the client reconnects elsewhere), idle keep-alive sockets are
 * closed at once, and `finished()` resolves when no request is in flight any more.
 */
export class HttpDrain {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly server: Server) {
    // Before the app's own listener: a request that arrives while draining is marked first.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) =>
      this.track(res),
    );
  }

  /** Keeps listening (readiness says 503 meanwhile) but ends every connection after its answer. */
  drain(): void {
    this.draining = true;
    for (const res of this.inFlight) closeAfter(res);
    this.server.closeIdleConnections();
  }

  /** Stops accepting connections: from now on a connect is refused. */
  stopAccepting(): void {
    this.drain();
    this.server.close();
    // Sockets that went idle since drain().
    this.server.closeIdleConnections();
  }

  /** Last step, once the app is closed: whatever is left (ended event streams) goes. */
  closeAll(): void {
    this.server.closeAllConnections();
  }

  /**
   * Resolves when every request in flight has been answered, except server-sent event streams,
   * which never end by themselves (their service closes them on shutdown).
   */
  finished(): Promise<void> {
    if (this.pendingRequests() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private track(res: ServerResponse): void {
    if (this.draining) closeAfter(res);
    this.inFlight.add(res);
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.idleWaiters.length > 0 && this.pendingRequests() === 0) {
        for (const resolve of this.idleWaiters) resolve();
        this.idleWaiters = [];
      }
    });
  }

  private pendingRequests(): number {
    let pending = 0;
    for (const res of this.inFlight) if (!isEventStream(res)) pending++;
    return pending;
  }
}

function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}
