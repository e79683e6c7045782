import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces `from` with `to` in `file`; fails loudly when the code it targets has moved on. */
export function patch(file, from, to) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from))
    throw new Error(`patch target not found in ${file}: ${from.slice(0, 60)}`);
  writeFileSync(file, text.replace(from, to));
}
