import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createHttpApp } from '../src/bootstrap/http-app.js';
import { freePort } from '../src/common/free-port.js';
import { loadConfigFromEnv } from '../src/config/index.js';
import { signUp } from './support/auth.js';
import { uploadAndComplete } from './support/file-uploads.js';
import { testAppOf, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

interface LogLine {
  level: number;
  msg: string;
}

/**
 * The local driver's download route: a client that aborts mid-download is logged as what it is
 * (the access line's "request aborted" and a debug line), never an error-level "unhandled error"
 * that would page someone.
 */
describe('files: a client aborting a local download', () => {
  let t: TestApp;
  let dir: string;
  let port: number;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'files-abort-'));
    port = await freePort();
    const config = loadConfigFromEnv({
      APP_ROLE: 'all',
      STORAGE_DRIVER: 'local',
      DATA_DIR: dir,
      APP_URL: `http://127.0.0.1:${port}`,
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          logs.push(JSON.parse(line) as LogLine);
        }
        done();
      },
    });
    t = testAppOf(await createHttpApp(config, pino({ level: 'debug' }, sink)), config);
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs an aborted download at debug level, not as an error', async () => {
    const user = await signUp(t);
    const bytes = Buffer.alloc(16 * 1024 * 1024, 'a');
    const { id } = await uploadAndComplete(t, user, {
      purpose: 'attachment',
      contentType: 'text/plain',
      bytes,
      filename: 'big.txt',
    });
    const redirect = await t.asUser(user).get(`/api/v1/files/${id}/content`).expect(302);
    const before = logs.length;

    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(redirect.headers.location as string, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
      });
      req.end();
    });

    await waitFor(
      () => logs.slice(before).some((l) => l.msg === 'download aborted by the client'),
      {
        what: 'the abort logged',
      },
    );
    expect(logs.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });
});
