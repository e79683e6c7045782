/**
 * The argon2 ceiling of this machine: how many `argon2.verify` calls per second complete with
 * the configured parameters, one in parallel per core (ARGON2_CONCURRENCY, the app's default),
 * on libuv's pool sized as the app sizes it. One per core is the machine's best: more at once
 * evict each other's memory from the CPU caches (2 cores: 4 at once gave 66–69/s, 2 at once
 * 73–75/s). Run as its own process by the suite; prints one JSON line.
 */
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));
const { argon2id, hash, verify } = await import('argon2');
const { PASSWORD, argon2Params } = await import('./seed.js');

const seconds = Number(process.env.CEILING_SECONDS ?? 5);
const concurrency = Number(process.env.ARGON2_CONCURRENCY ?? availableParallelism());
const encoded = await hash(PASSWORD, { type: argon2id, ...argon2Params() });
for (let i = 0; i < concurrency; i++) await verify(encoded, PASSWORD); // warm

let done = 0;
const t0 = performance.now();
const deadline = t0 + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      if (!(await verify(encoded, PASSWORD))) throw new Error('verify failed');
      done++;
    }
  }),
);
const elapsed = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ verifiesPerSec: done / elapsed, concurrency, params: argon2Params() })}\n`,
);
