/**
 * Summarises a V8 .cpuprofile (from `BENCH_CPU_PROF=1 npm run bench -- <scenario>`):
 * self time by package / file area and the top functions.
 *   node --import tsx bench/profile-summary.ts bench/results/profiles/api-….cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, windowArg] = process.argv.slice(2);
if (!file) {
  console.error(
    'usage: profile-summary.ts <file.cpuprofile> [top=30] [fromSec-toSec, negative = from the end]',
  );
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const lengthUs = profile.endTime - profile.startTime;
const [from, to] = (windowArg ?? `0-${lengthUs / 1e6}`)
  .split(/(?<=\d)-/)
  .map(Number)
  .map((sec) => (sec < 0 ? lengthUs + sec * 1e6 : sec * 1e6));
const selfUs = new Map<number, number>();
let t = 0;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i] ?? 0;
  if (t < from || t > to) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfUs]
  .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
  .reduce((a, [, us]) => a + us, 0);

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/dist/src/');
  if (src >= 0) return `app:${url.slice(src + 10).split('/')[0]}`;
  return url;
}

const areas = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  const a = area(url, functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(
  `profile ${(lengthUs / 1e6).toFixed(1)} s; window ${(total / 1e6).toFixed(2)} s sampled, busy ${((total - idle) / 1e6).toFixed(2)} s (${pct(total - idle)})\n\nself time by area:`,
);
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top))
  console.log(`${pct(us)}  ${a}`);
console.log('\ntop functions (self):');
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top))
  console.log(`${pct(us)}  ${f}`);

// Inclusive (on-stack) time of selected frames: the whole cost of a layer, callees included.
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${area(n.callFrame.url, n.callFrame.functionName)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
console.log('\ntop functions (inclusive):');
for (const [f, us] of [...inclusive]
  .filter(([k]) => !k.startsWith('('))
  .sort((x, y) => y[1] - x[1])
  .slice(0, top))
  console.log(`${pct(us)}  ${f}`);

// Busy share per second over the whole profile, to pick a window (third argument).
if (process.env.TIMELINE) {
  const perSec: number[] = [];
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    const s = Math.floor(at / 1e6);
    perSec[s] = (perSec[s] ?? 0) + (profile.timeDeltas[i] ?? 0);
  });
  console.log(
    `\nbusy per second: ${Array.from(perSec, (us, s) => `${s}:${Math.round((us ?? 0) / 1e4)}%`).join(' ')}`,
  );
}
