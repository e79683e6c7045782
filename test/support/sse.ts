import { request, type ClientRequest } from 'node:http';
import { recordResponse, recordSseEvent } from './contract/record.js';
import { waitFor } from './wait.js';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** A minimal EventSource over node:http, recording every event (and heartbeats) it reads. */
export class SseClient {
  readonly events: SseEvent[] = [];
  heartbeats = 0;
  status = 0;
  /** The server ended the response. */
  ended = false;
  private req: ClientRequest | null = null;
  private buffer = '';
  private url = '';

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    client.url = url;
    return new Promise((resolve, reject) => {
      client.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        const seen = { method: 'GET', url, status: client.status, headers: res.headers };
        recordResponse({ ...seen, streamed: true });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => (client.ended = true));
        resolve(client);
      });
      client.req.on('error', reject);
      client.req.end();
    });
  }

  async waitForEvent(predicate: (e: SseEvent) => boolean, what = 'SSE event'): Promise<SseEvent> {
    return waitFor(() => this.events.find(predicate), { what });
  }

  async waitForEnd(): Promise<void> {
    await waitFor(() => this.ended || undefined, { what: 'the server to end the stream' });
  }

  close(): void {
    this.req?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { id: null, event: 'message', data: '' };
      let fields = 0;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.heartbeats++;
          continue;
        }
        const colon = line.indexOf(':');
        const name = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (name === 'id') event.id = value;
        else if (name === 'event') event.event = value;
        else if (name === 'data') event.data += value;
        else continue;
        fields++;
      }
      if (fields > 0 && (event.data || event.id)) {
        recordSseEvent(this.url, event.event, event.data);
        this.events.push(event);
      }
    }
  }
}
