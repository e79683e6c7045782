import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request } from 'autocannon';
import { profileArgs, startApp, type AppEnvOptions } from './app.js';
import type { Infra } from './infra.js';
import { load, summarise, type LoadResult, type LoadSpec, type Summary } from './load.js';
import { ROOT, startService, type Service } from './proc.js';
import { PASSWORD, seedUsers, userEmail } from './seed.js';
import { log, machine, round } from './util.js';

export interface BenchConfig {
  rounds: number;
  /** Seconds per measured round. */
  duration: number;
  /** Seconds of warm-up before the rounds. */
  warmup: number;
  connections: number;
  users: number;
}

export function configFromEnv(): BenchConfig {
  const num = (name: string, def: number, min: number, max: number) => {
    const v = Number(process.env[name] ?? def);
    if (!Number.isFinite(v) || v < min || v > max)
      throw new Error(`${name} must be ${min}..${max}`);
    return v;
  };
  return {
    rounds: num('BENCH_ROUNDS', 3, 1, 20),
    duration: num('BENCH_DURATION', 5, 1, 120),
    warmup: num('BENCH_WARMUP', 3, 0, 60),
    connections: num('BENCH_CONNECTIONS', 50, 1, 1000),
    users: num('BENCH_USERS', 10_000, 100, 200_000),
  };
}

export interface ScenarioResult {
  scenario: string;
  /** One line for the summary table. */
  headline: string;
  target?: string;
  pass?: boolean;
  [key: string]: unknown;
}

export type Api = Service & { startMs: number };

/** Shared, lazily built fixtures of one run. */
export class Ctx {
  readonly appOpts: AppEnvOptions & { logDir: string };
  private apiP?: Promise<Api>;
  private baselineP?: Promise<Service>;
  private usersP?: Promise<string[]>;
  private tokensP?: Promise<string[]>;
  readonly results: ScenarioResult[] = [];
  readonly services: Service[] = [];

  constructor(
    readonly infra: Infra,
    readonly cfg: BenchConfig,
    readonly workDir: string,
    smtpUrl: string,
  ) {
    const logDir = join(workDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    this.appOpts = {
      infra,
      jwtSecret: randomBytes(32).toString('base64url'),
      dataDir: join(workDir, 'data'),
      smtpUrl,
      logDir,
    };
  }

  /** The API process shared by the HTTP scenarios (its first boot applies the migrations). */
  api(): Promise<Api> {
    this.apiP ??= startApp(this.appOpts, 'api').then((s) => {
      this.services.push(s);
      log(`api up on ${s.url} in ${round(s.startMs, 0)} ms (first boot, migrations applied)`);
      return s;
    });
    return this.apiP;
  }

  baseline(): Promise<Service> {
    this.baselineP ??= startService({
      name: 'baseline',
      args: [
        ...profileArgs('baseline'),
        '--import',
        'tsx',
        join(ROOT, 'bench', 'baseline', 'server.ts'),
      ],
      env: {
        NODE_ENV: 'production',
        STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
        DATABASE_URL: this.infra.databaseUrl,
        REDIS_URL: this.infra.redisUrl,
        QUEUE_PREFIX: this.infra.prefix,
        JWT_SECRET: this.appOpts.jwtSecret,
        JWT_ISSUER: 'app-backend',
        JWT_AUDIENCE: 'app-api',
      },
      logDir: this.appOpts.logDir,
      readyPath: '/health',
    }).then((s) => {
      this.services.push(s);
      return s;
    });
    return this.baselineP;
  }

  /** `cfg.users` users (ids in order of their number, 1-based: users()[0] is user 1). */
  users(): Promise<string[]> {
    this.usersP ??= (async () => {
      await this.api(); // migrations
      const t0 = performance.now();
      const ids = await seedUsers(this.infra.databaseUrl, 1, this.cfg.users);
      log(`seeded ${ids.length} users in ${round(performance.now() - t0, 0)} ms`);
      return ids;
    })();
    return this.usersP;
  }

  /** Access tokens from real logins of users 1..n (one session each). */
  accessTokens(n = 50): Promise<string[]> {
    this.tokensP ??= (async () => {
      await this.users();
      const api = await this.api();
      const tokens: string[] = [];
      for (let i = 1; i <= n; i++) tokens.push((await this.login(api, i)).accessToken);
      return tokens;
    })();
    return this.tokensP;
  }

  async login(api: Service, user: number): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: userEmail(user), password: PASSWORD }),
    });
    const body = (await res.json()) as { accessToken: string; refreshToken: string };
    if (res.status !== 200)
      throw new Error(`login of user ${user}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  spec(
    base: string,
    s: Omit<LoadSpec, 'url' | 'connections' | 'duration'> & Partial<LoadSpec>,
  ): LoadSpec {
    return { connections: this.cfg.connections, duration: this.cfg.duration, ...s, url: base };
  }

  /**
   * Warm-up, then `rounds` rounds in which baseline and app take turns (the order flips each
   * round), so both see the same machine noise. Median of rounds per side.
   */
  async compare(
    app: LoadSpec,
    baseline: LoadSpec,
  ): Promise<{ app: Summary; baseline: Summary; ratio: number; p99Ratio: number }> {
    if (this.cfg.warmup > 0) {
      await load({ ...baseline, duration: this.cfg.warmup });
      await load({ ...app, duration: this.cfg.warmup });
    }
    const a: LoadResult[] = [];
    const b: LoadResult[] = [];
    for (let i = 0; i < this.cfg.rounds; i++) {
      const order = i % 2 === 0 ? (['b', 'a'] as const) : (['a', 'b'] as const);
      for (const side of order) {
        const r = await load(side === 'a' ? app : baseline);
        (side === 'a' ? a : b).push(r);
        log(`  round ${i + 1} ${side === 'a' ? 'app     ' : 'baseline'} ${fmt(r)}`);
      }
    }
    const sa = summarise(a);
    const sb = summarise(b);
    return {
      app: sa,
      baseline: sb,
      ratio: round(sa.reqPerSec / sb.reqPerSec, 3),
      p99Ratio: round(sa.p99 / Math.max(sb.p99, 1), 2),
    };
  }

  /** Warm-up then rounds of one load. */
  async measure(spec: LoadSpec, label = 'app'): Promise<Summary> {
    if (this.cfg.warmup > 0) await load({ ...spec, duration: this.cfg.warmup });
    const rounds: LoadResult[] = [];
    for (let i = 0; i < this.cfg.rounds; i++) {
      const r = await load(spec);
      rounds.push(r);
      log(`  round ${i + 1} ${label} ${fmt(r)}`);
    }
    return summarise(rounds);
  }

  record(result: ScenarioResult): void {
    this.results.push(result);
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${result.scenario}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ ...result, machine: machine(), config: this.cfg, at: new Date().toISOString() }, null, 2)}\n`,
    );
    log(
      `${result.pass === false ? 'MISS' : result.pass ? 'PASS' : '----'} ${result.scenario}: ${result.headline}`,
    );
  }
}

export function fmt(r: LoadResult): string {
  const codes = Object.entries(r.statusCodes)
    .map(([c, n]) => `${c}:${n}`)
    .join(' ');
  const cpu = `${r.cpuUsPerReq !== undefined ? `  cpu ${r.cpuUsPerReq} µs/req` : ''}  pg ${r.dbCpuUsPerReq} µs/req`;
  return `${r.reqPerSec} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}${cpu}  [${codes}]`;
}

/** A request list that rotates through values per request (tokens, emails). */
export function rotating(values: string[], build: (v: string) => Request): Request[] {
  let i = 0;
  const first = build(values[0]);
  return [
    {
      ...first,
      setupRequest: (req) => Object.assign(req, build(values[i++ % values.length])),
    },
  ];
}
