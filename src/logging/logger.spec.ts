import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { REDACTED_PATHS } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream),
    lines,
  };
}

describe('log redaction', () => {
  it('never writes credentials, cookies or tokens', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer eyJsecret',
            cookie: 'sid=secret-cookie',
            'x-csrf-token': 'csrf-secret',
          },
        },
        body: { password: 'hunter2-password', refreshToken: 'rt-secret', token: 'tok-secret' },
        user: { email: 'a@example.com' },
      },
      'request',
    );
    const out = lines.join('');
    for (const secret of [
      'eyJsecret',
      'secret-cookie',
      'hunter2-password',
      'rt-secret',
      'tok-secret',
      'csrf-secret',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(out).toContain('a@example.com');
  });
});
