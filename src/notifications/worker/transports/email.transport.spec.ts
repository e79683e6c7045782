import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';
import {
  EmailTransport,
  LogEmailTransport,
  PermanentDeliveryError,
  SmtpEmailTransport,
} from './email.transport.js';
import type { EmailMessage } from './email.transport.js';

interface Inbox {
  url: string;
  received: ParsedMail[];
  close(): Promise<void>;
}

/** A real SMTP peer in this process; `hooks` make it refuse at the step a test needs. */
async function startInbox(hooks: Partial<SMTPServerOptions> = {}): Promise<Inbox> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    ...hooks,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

const mail: EmailMessage = {
  to: 'ana@example.com',
  subject: 'Confirm your email address',
  text: 'Confirm:\nhttps://app.example.com/verify?token=abc\n',
  html: '<p><a href="https://app.example.com/verify?token=abc">Confirm</a></p>',
  headers: { 'X-Notification-Id': 'n-123' },
};

async function sendVia(inbox: Inbox, message: EmailMessage = mail) {
  const transport = new SmtpEmailTransport({ url: inbox.url, from: 'App <no-reply@app.test>' });
  try {
    return await transport.send(message);
  } finally {
    await transport.close();
  }
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

describe('SmtpEmailTransport', () => {
  let inbox: Inbox;
  beforeAll(async () => {
    inbox = await startInbox();
  });
  afterAll(() => inbox.close());

  it('delivers subject, text, html, from, to and headers', async () => {
    const { messageId } = await sendVia(inbox);
    expect(inbox.received).toHaveLength(1);
    const got = inbox.received[0]!;
    expect(got.messageId).toBe(messageId);
    expect(got.subject).toBe(mail.subject);
    expect(got.text).toBe(mail.text);
    expect(got.html).toBe(mail.html);
    expect(got.from?.value).toEqual([{ address: 'no-reply@app.test', name: 'App' }]);
    expect(got.to).toMatchObject({ value: [{ address: 'ana@example.com', name: '' }] });
    expect(got.headers.get('x-notification-id')).toBe('n-123');
  });

  it('reuses one pooled connection for several mails', async () => {
    const sessions = new Set<string>();
    const counting = await startInbox({
      onMailFrom(_address, session, callback) {
        sessions.add(session.id);
        callback();
      },
    });
    const transport = new SmtpEmailTransport({ url: counting.url, from: 'no-reply@app.test' });
    try {
      for (const to of ['a@example.com', 'b@example.com', 'c@example.com']) {
        await transport.send({ ...mail, to });
      }
    } finally {
      await transport.close();
      await counting.close();
    }
    expect(counting.received.map((m) => m.subject)).toHaveLength(3);
    expect(sessions.size).toBe(1);
  });

  it('reports a recipient rejected with 550 as permanent', async () => {
    const rejecting = await startInbox({
      onRcptTo(_address, _session, callback) {
        callback(smtpError(550, 'No such user here'));
      },
    });
    const error = await errorOf(sendVia(rejecting)).finally(() => rejecting.close());
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/550 No such user here/);
    expect(rejecting.received).toHaveLength(0);
  });

  it('reports content refused with 554 after DATA as permanent', async () => {
    const refusing = await startInbox({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(smtpError(554, 'Message refused')));
      },
    });
    const error = await errorOf(sendVia(refusing)).finally(() => refusing.close());
    expect(error).toBeInstanceOf(PermanentDeliveryError);
  });

  it('reports an address nodemailer cannot use as permanent', async () => {
    const error = await errorOf(sendVia(inbox, { ...mail, to: 'not an address' }));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
  });

  it('leaves a 451 on the recipient transient', async () => {
    const deferring = await startInbox({
      onRcptTo(_address, _session, callback) {
        callback(smtpError(451, 'Try again later'));
      },
    });
    const error = await errorOf(sendVia(deferring)).finally(() => deferring.close());
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ responseCode: 451, code: 'EENVELOPE' });
  });

  it('leaves a 421 greeting transient', async () => {
    const busy = await startInbox({
      onConnect(_session, callback) {
        callback(smtpError(421, 'Too busy, come back later'));
      },
    });
    const error = await errorOf(sendVia(busy)).finally(() => busy.close());
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ responseCode: 421 });
  });

  it('leaves a refused connection transient', async () => {
    const gone = await startInbox();
    await gone.close();
    const error = await errorOf(sendVia(gone));
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ code: 'ESOCKET' });
  });
});

describe('LogEmailTransport', () => {
  it('writes the mail to the logger, then its link as a line of its own', async () => {
    const lines: { obj: object; msg: string }[] = [];
    const transport: EmailTransport = new LogEmailTransport(
      { info: (obj, msg) => lines.push({ obj, msg }) },
      'no-reply@localhost',
    );
    const { messageId } = await transport.send(mail);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.msg).toContain('ana@example.com');
    expect(lines[0]!.obj).toEqual({
      mail: {
        messageId,
        from: 'no-reply@localhost',
        to: 'ana@example.com',
        subject: mail.subject,
        headers: mail.headers,
        text: expect.stringContaining('https://app.example.com/verify?token=abc'),
      },
    });
    expect(lines[1]).toEqual({
      obj: { messageId },
      msg: 'https://app.example.com/verify?token=abc',
    });
  });
});
