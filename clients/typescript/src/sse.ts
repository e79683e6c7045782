/** One message of a `text/event-stream` (the WHATWG server-sent events format). */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
  /** The reconnection time the server asked for, in ms. */
  retry: number | null;
}

/**
 * The messages of an event stream, as they arrive. `onChunk` runs on every chunk read (comments
 * and heartbeats included), for an idle watchdog. Cancels the body when the caller stops early.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  onChunk: () => void = () => {},
): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onChunk();
      yield* parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

class SseParser {
  private buffer = '';
  private message: SseMessage = blank();

  *feed(text: string): Generator<SseMessage> {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A lone \r at the end of a chunk may be the first half of \r\n: wait for the next chunk.
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) return;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      const message = this.line(line);
      if (message) yield message;
    }
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      const message = this.message;
      this.message = blank();
      const hasContent = message.data !== '' || message.id !== null || message.retry !== null;
      return hasContent ? { ...message, data: message.data.replace(/\n$/, '') } : null;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.message.data += `${value}\n`;
    else if (field === 'event') this.message.event = value;
    else if (field === 'id' && !value.includes('\0')) this.message.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.message.retry = Number(value);
    return null;
  }
}

function blank(): SseMessage {
  return { id: null, event: 'message', data: '', retry: null };
}
