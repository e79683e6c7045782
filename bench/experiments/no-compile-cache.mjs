/**
 * Experiment (BENCH_PATCH=bench/experiments/no-compile-cache.mjs): the entry points of the run's
 * private dist/ copy as they were before the module compile cache (static imports, no
 * enableCompileCache), for a same-machine A/B of `cold-start`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function apply(dist) {
  for (const [file, call] of [
    ['main.js', 'run()'],
    ['worker.js', "run('worker')"],
  ]) {
    writeFileSync(
      join(dist, 'src', file),
      `import './config/threadpool.js';\nimport 'reflect-metadata';\nimport { run } from './bootstrap/run.js';\nawait ${call};\n`,
    );
  }
}
