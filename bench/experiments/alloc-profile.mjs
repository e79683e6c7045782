/**
 * Experiment (BENCH_PATCH=bench/experiments/alloc-profile.mjs): the API samples every allocation
 * from 8 s after start, including objects the GC has already collected (unlike --heap-prof, which
 * keeps only what is still alive), and writes bench/results/profiles/alloc-<pid>.heapprofile on
 * SIGTERM. Open it in Chrome DevTools (Memory tab) to see which code allocates per request.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patch } from './patch.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function apply(dist) {
  const dir = join(ROOT, 'bench', 'results', 'profiles');
  mkdirSync(dir, { recursive: true });
  patch(
    join(dist, 'src/main.js'),
    `import { run } from './bootstrap/run.js';`,
    `import { run } from './bootstrap/run.js';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const inspector = new Session();
inspector.connect();
inspector.post('HeapProfiler.enable');
setTimeout(() => inspector.post('HeapProfiler.startSampling', {
  samplingInterval: 16384,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
}), 8000).unref();
process.prependListener('SIGTERM', () => inspector.post('HeapProfiler.stopSampling', (error, r) => {
  if (!error) writeFileSync(${JSON.stringify(dir)} + '/alloc-' + process.pid + '.heapprofile', JSON.stringify(r.profile));
}));`,
  );
}
