import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';

const base = { NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:1' };
const database = (env: Record<string, string>) => loadConfig({ ...base, ...env }).database;
const PEM = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----';

describe('database TLS and pooler settings', () => {
  it('reads sslmode as libpq does; no sslmode and no CA is plain TCP', () => {
    expect(database({ DATABASE_URL: 'postgres://a@h/d' }).tls).toBeNull();
    expect(database({ DATABASE_URL: 'postgres://a@h/d?sslmode=disable' }).tls).toBeNull();
    expect(database({ DATABASE_URL: 'postgres://a@h/d?sslmode=require' }).tls).toEqual({
      mode: 'require',
      ca: null,
    });
    expect(database({ DATABASE_URL: 'postgres://a@h/d?sslmode=verify-full' }).tls).toEqual({
      mode: 'verify-full',
      ca: null,
    });
  });

  it('takes the CA from DB_SSL_CA (escaped newlines) and a CA alone means verify-full', () => {
    const tls = database({ DATABASE_URL: 'postgres://a@h/d', DB_SSL_CA: PEM }).tls;
    expect(tls).toEqual({ mode: 'verify-full', ca: PEM.replace(/\\n/g, '\n') });
    // libpq: require with a root certificate checks the chain.
    expect(
      database({ DATABASE_URL: 'postgres://a@h/d?sslmode=require', DB_SSL_CA: PEM }).tls?.mode,
    ).toBe('verify-ca');
  });

  it('refuses what node-postgres cannot honour, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        database(env);
        return [];
      } catch (error) {
        return (error as { problems: string[] }).problems;
      }
    };
    expect(problems({ DATABASE_URL: 'postgres://a@h/d?sslmode=prefer' })).toEqual([
      expect.stringMatching(/^DATABASE_URL: sslmode=prefer is not supported/),
    ]);
    expect(problems({ DATABASE_URL: 'postgres://a@h/d?sslmode=require&sslcert=/c' })).toEqual([
      expect.stringMatching(/^DATABASE_URL: sslcert \(client certificates\) is not supported/),
    ]);
    expect(problems({ DATABASE_URL: 'postgres://a@h/d', DB_SSL_CA_FILE: '/nonexistent' })).toEqual([
      expect.stringMatching(/^DB_SSL_CA_FILE: cannot read \/nonexistent \(ENOENT\)/),
    ]);
    expect(
      problems({
        DATABASE_URL: 'postgres://a@h/d',
        DB_POOLER: 'pgbouncer',
        DB_MIGRATE_ON_BOOT: 'true',
      }),
    ).toEqual([
      expect.stringMatching(/^DATABASE_MIGRATION_URL: required with DB_POOLER=pgbouncer/),
    ]);
  });
});
