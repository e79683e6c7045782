// What input limits save: per-body CPU of screening, parsing and walking hostile and ordinary bodies.
// Run: node --import tsx bench/experiments/input-limits-cost.ts
import { performance } from 'node:perf_hooks';
import { findInputViolation, scanJsonShape } from '../../src/http/input-limits.js';

const kb100 = 100 * 1024 - 64;
const bodies: Record<string, string> = {
  'normal login (62 B)': JSON.stringify({
    email: 'ada@example.com',
    password: 'correct horse battery',
  }),
  'normal 1 kB payment': JSON.stringify({
    amount: 1999,
    currency: 'usd',
    description: 'x'.repeat(400),
    metadata: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(20)])),
  }),
  'normal 100 kB (one long string)': JSON.stringify({ displayName: 'x'.repeat(kb100 - 20) }),
  'hostile deep arrays 100 kB': `{"x":${'['.repeat(kb100 / 2)}1${']'.repeat(kb100 / 2)}}`,
  'hostile deep objects 100 kB': `{"x":${'{"a":'.repeat(kb100 / 6)}1${'}'.repeat(kb100 / 6)}}`,
  'hostile wide array 100 kB': `{"x":[${new Array(kb100 / 2).fill('0').join(',')}]}`,
  'hostile wide object 100 kB': JSON.stringify(
    Object.fromEntries(Array.from({ length: 9000 }, (_, i) => [`k${i}`, 0])),
  ),
  'worst accepted: 999 distinct keys + long strings': JSON.stringify({
    ...Object.fromEntries(Array.from({ length: 999 }, (_, i) => [`key_number_${i}`, i])),
    s: 'x'.repeat(80_000),
  }),
  'worst accepted: 10 arrays x 1000': JSON.stringify(
    Array.from({ length: 10 }, () => new Array(999).fill(0)),
  ),
};
for (const [name, text] of Object.entries(bodies)) {
  const buf = Buffer.from(text);
  let scan = 0,
    parse = 0,
    walk = 0,
    outcome = 'accepted';
  const n = 1000,
    warm = 100;
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    let rejected = false;
    try {
      scanJsonShape(buf);
    } catch (e) {
      rejected = true;
      outcome = `scan: ${(e as Error).message}`;
    }
    const b = performance.now();
    let value: unknown = null;
    if (!rejected) value = JSON.parse(text);
    const c = performance.now();
    if (!rejected) {
      const v = findInputViolation(value);
      if (v) outcome = `walk: ${v.message}`;
    }
    const d = performance.now();
    if (i >= warm) {
      scan += b - a;
      parse += c - b;
      walk += d - c;
    }
  }
  const m = n - warm,
    us = (x: number) => ((x / m) * 1000).toFixed(0).padStart(6);
  console.log(
    `${name.padEnd(38)} ${String(buf.length).padStart(7)} B  scan ${us(scan)} µs  JSON.parse ${us(parse)} µs  walk ${us(walk)} µs  total ${us(scan + parse + walk)} µs  ${outcome}`,
  );
}
