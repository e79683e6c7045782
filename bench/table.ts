/**
 * Prints the latest figures (bench/results/*.json) as the markdown table kept in README.md:
 *   node --import tsx bench/table.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ORDER = [
  'cold-start',
  'idle-rss',
  'me',
  'login',
  'health-under-login-load',
  'refresh',
  'notifications-list',
  'payments-create',
  'queue-drain',
  'broadcast-100k',
];

interface Result {
  scenario: string;
  headline: string;
  target?: string;
  pass?: boolean;
  at: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    loadavgAtStart: number[];
  };
}

const dir = join(import.meta.dirname, 'results');
const results = ORDER.map((s) => join(dir, `${s}.json`))
  .filter((f) => existsSync(f))
  .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Result);
const m = results[0]?.machine;
if (m) {
  console.log(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}; PostgreSQL and Redis on the same host; 50 connections, 3 rounds × 5 s after 3 s warm-up.\n`,
  );
}
console.log('| scenario | result | target | | measured at (load avg) |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of results) {
  const mark = r.pass === undefined ? '' : r.pass ? 'met' : '**missed**';
  console.log(
    `| \`${r.scenario}\` | ${r.headline.replace(/\|/g, '/')} | ${r.target ?? ''} | ${mark} | ${r.at.slice(0, 16).replace('T', ' ')} (${r.machine.loadavgAtStart[0]}) |`,
  );
}
