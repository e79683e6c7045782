import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { NotFoundException } from '@nestjs/common';
import { pino } from 'pino';
import { unavailableDependency } from '../common/dependency-errors.js';
import { ErrorLog } from './error-log.js';
import { OutageLog } from './outage-log.js';
import { toProblem } from './problem-details.filter.js';
import { ProblemException } from './problem.exception.js';

function capture() {
  const lines: Array<{ level: number; msg: string; err?: { stack?: string } }> = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    }),
  );
  return { lines, errors: new ErrorLog(logger, new OutageLog(logger, 60_000)) };
}

function log(errors: ErrorLog, exception: unknown): void {
  errors.log(exception, toProblem(exception));
}

const pgRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
  code: 'ECONNREFUSED',
});

describe('ErrorLog', () => {
  it('logs a client mistake at debug', () => {
    const { lines, errors } = capture();
    log(errors, new ProblemException({ status: 404, slug: 'not-found', detail: 'No such thing.' }));
    log(errors, new NotFoundException());
    expect(lines.map((l) => l.level)).toEqual([20, 20]);
  });

  it('logs a deliberate 503 at warn, without calling it unhandled', () => {
    const { lines, errors } = capture();
    log(errors, new ProblemException({ status: 503, slug: 'provider-unavailable' }));
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'request not served' })]);
  });

  it('logs an unknown error at error, with its stack', () => {
    const { lines, errors } = capture();
    log(errors, new TypeError('x is undefined'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'unhandled error' });
    expect(lines[0]?.err?.stack).toContain('TypeError: x is undefined');
  });

  it('logs an outage once per burst and dependency', () => {
    const { lines, errors } = capture();
    for (let i = 0; i < 100; i++) log(errors, pgRefused);
    for (let i = 0; i < 100; i++) log(errors, new Error('Command timed out'));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'database unavailable: answering 503 until it returns'],
      [40, 'redis unavailable: answering 503 until it returns'],
    ]);
  });
});

describe('unavailableDependency', () => {
  it('recognises PostgreSQL and Redis being away', () => {
    const queryFailed = Object.assign(new Error('canceling statement due to statement timeout'), {
      driverError: { code: '57014' },
    });
    expect(unavailableDependency(pgRefused)).toBe('database');
    expect(unavailableDependency(new Error('Connection terminated unexpectedly'))).toBe('database');
    expect(unavailableDependency(new Error('Query read timeout'))).toBe('database');
    expect(unavailableDependency(queryFailed)).toBe('database');
    expect(
      unavailableDependency(
        new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      ),
    ).toBe('redis');
  });

  it('leaves bugs and bad queries alone', () => {
    const uniqueViolation = Object.assign(new Error('duplicate key'), {
      driverError: { code: '23505' },
    });
    expect(unavailableDependency(uniqueViolation)).toBeNull();
    expect(unavailableDependency(new TypeError('x is undefined'))).toBeNull();
    expect(unavailableDependency(null)).toBeNull();
  });

  it('makes an outage a 503 problem of its own type', () => {
    expect(toProblem(pgRefused)).toMatchObject({
      status: 503,
      type: 'urn:problem:dependency-unavailable',
      retryAfter: 5,
    });
    expect(toProblem(new Error('boom'))).toMatchObject({
      status: 500,
      type: 'urn:problem:internal-error',
    });
  });
});
