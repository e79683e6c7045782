// Regenerates common-passwords.txt from the zxcvbn-ts common dictionary (ranked, most common
// first). Run from the repo root: `node src/auth/data/generate-common-passwords.mjs`.
// The list is committed so the runtime never depends on the dictionary package's internals.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dictionary } from '@zxcvbn-ts/language-common';

const MIN_ENTRIES = 10_000;

const ranked = dictionary['passwords-common'];
const seen = new Set();
for (const entry of ranked) {
  const lower = entry.toLowerCase();
  // Newlines inside an entry would corrupt the one-per-line format.
  if (lower.length > 0 && !/[\r\n]/.test(lower)) seen.add(lower);
}
if (seen.size < MIN_ENTRIES) {
  throw new Error(`only ${seen.size} common passwords, expected at least ${MIN_ENTRIES}`);
}
const target = join(import.meta.dirname, 'common-passwords.txt');
writeFileSync(target, [...seen].join('\n') + '\n');
console.log(`wrote ${seen.size} entries to ${target}`);
