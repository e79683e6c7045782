import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../src/common/free-port.js';

interface Options {
  /** The PostgreSQL it pools: host, port, and the user and password it logs in with. */
  server: { host: string; port: number; user: string; password: string };
  /** PgBouncer refuses to run as root: the user it runs as (the cluster's owner, say). */
  runAs?: { uid: number; gid: number };
  poolMode?: 'session' | 'transaction';
}

/**
 * A private PgBouncer (Debian's `pgbouncer`) on a free port in front of one PostgreSQL. Clients
 * log in as any user without a password (auth_type trust); PgBouncer logs in to the server with
 * the given credentials. Every database name is forwarded.
 */
export class PgBouncer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly log: string[],
  ) {}

  static async start(dir: string, options: Options): Promise<PgBouncer> {
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const { server } = options;
    const ini = join(dir, 'pgbouncer.ini');
    const users = join(dir, 'userlist.txt');
    writeFileSync(users, `"${server.user}" ""\n`);
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=${server.host} port=${server.port} user=${server.user} password=${server.password}`,
        '[pgbouncer]',
        `listen_addr = 127.0.0.1`,
        `listen_port = ${port}`,
        `unix_socket_dir =`,
        `auth_type = trust`,
        `auth_file = ${users}`,
        `pool_mode = ${options.poolMode ?? 'transaction'}`,
        `default_pool_size = 5`,
        `max_client_conn = 200`,
        `server_tls_sslmode = disable`,
        '',
      ].join('\n'),
    );
    if (options.runAs) {
      for (const file of [dir, ini, users]) chownSync(file, options.runAs.uid, options.runAs.gid);
    }
    const log: string[] = [];
    const child = spawn('pgbouncer', [ini], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.runAs ?? {}),
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => log.push(...chunk.toString().split('\n')));
    }
    const bouncer = new PgBouncer(child, port, log);
    await bouncer.whenListening();
    return bouncer;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((done) => {
      this.child.once('exit', () => done());
      this.child.kill('SIGINT');
    });
  }

  private async whenListening(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      const open = await new Promise<boolean>((resolve) => {
        const socket = net.connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }).catch(() => false);
      if (open) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`pgbouncer did not listen on ${this.port}: ${this.log.join('\n')}`);
  }
}
