import { SMTPServer } from 'smtp-server';
import { freePort } from '../../src/common/free-port.js';

/** A loopback SMTP server that accepts and discards every mail (SMTP_URL is required in production). */
export async function startSmtpSink(): Promise<{
  url: string;
  received: () => number;
  stop(): Promise<void>;
}> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        received++;
        callback();
      });
      stream.resume();
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
