import type { FuzzCase, Operation } from './cases.js';
import type { SchemaBook } from './schema.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export interface Finding {
  oracle: string;
  message: string;
  /** The bug of issue #11 this is, when it is one being fixed on another branch. */
  known?: string;
  request: string;
  answer: string;
  reproduce: string;
}

/** Bugs of issue #11 fixed on other branches: the suite finds them until those merge. */
export const KNOWN = {
  deepNesting: 'issue #11 §1 deep nesting → 500 (input engineer)',
  nullOptional: 'issue #11 §1 null in optional fields → 500/accepted (input engineer)',
  preferencesRace:
    'issue #11 §1 concurrent first PUT /notifications/preferences → 500 (races engineer)',
  cancelRace: 'issue #11 §1 concurrent payment cancels → 503 (races engineer)',
  healthFields:
    'issue #11 §1 /health/ready fields its schema does not declare (info, error, responseTime; declared on main by 3bbe56a)',
} as const;

const STACK = /\n\s+at |\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+/;
const INTERNAL_PATH = /\/(work|home|app|usr|src|dist|node_modules)\/[\w./-]+|[A-Z]:\\\\/;
const CURL_BASE = 'http://localhost:3000';

/** Every way the answer to `c` breaks the oracles. */
export function judge(
  book: SchemaBook,
  c: FuzzCase,
  a: Answer,
): Array<Omit<Finding, 'request' | 'answer' | 'reproduce'>> {
  const out: Array<Omit<Finding, 'request' | 'answer' | 'reproduce'>> = [];
  const add = (oracle: string, message: string) =>
    out.push({ oracle, message, ...knownOf(c, a, oracle) });
  if (a.status >= 500) add('no-5xx', `answered ${a.status}`);
  if (a.status >= 400) {
    for (const problem of problemFaults(a)) add('problem+json', problem);
  }
  if (a.status >= 200 && a.status < 300) {
    if (c.specInvalid)
      add(
        'invalid-never-accepted',
        `a request the document forbids (${c.kind}) answered ${a.status}`,
      );
    for (const fault of responseFaults(book, c.op, a)) add('2xx-matches-document', fault);
  }
  // Only errors: a 2xx body carries stored user data, which may look like anything (`C:\\`).
  if (a.status >= 400 && (STACK.test(a.text) || INTERNAL_PATH.test(a.text)))
    add('no-internals', 'the body shows a stack trace or a server path');
  return out;
}

function problemFaults(a: Answer): string[] {
  const type = a.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json'))
    return [`Content-Type is ${JSON.stringify(type)}`];
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return ['the body is not JSON'];
  }
  if (typeof body !== 'object' || body === null) return ['the body is not an object'];
  const p = body as Record<string, unknown>;
  const faults: string[] = [];
  if (typeof p.type !== 'string') faults.push('no `type`');
  if (typeof p.title !== 'string') faults.push('no `title`');
  if (p.status !== a.status)
    faults.push(`\`status\` ${JSON.stringify(p.status)} is not ${a.status}`);
  if ('stack' in p) faults.push('a `stack` member');
  return faults;
}

function responseFaults(book: SchemaBook, op: Operation, a: Answer): string[] {
  const declared = op.spec.responses[String(a.status)];
  if (!declared) return [`status ${a.status} is not in the document`];
  const content = declared.content;
  if (!content)
    return a.text.length > 0 ? [`${a.status} has a body the document does not declare`] : [];
  const json = content['application/json'];
  if (!json) return [];
  if (!(a.headers.get('content-type') ?? '').startsWith('application/json')) {
    return [`Content-Type ${a.headers.get('content-type')} is not application/json`];
  }
  try {
    return book.validate(json.schema, JSON.parse(a.text));
  } catch {
    return ['the body is not JSON'];
  }
}

function knownOf(c: FuzzCase, a: Answer, oracle: string): { known?: string } {
  if (c.kind.startsWith('deep-nesting') && a.status >= 500) return { known: KNOWN.deepNesting };
  const nullKind = c.kind === 'null' || c.kind === 'null-in-optional-field';
  if (nullKind && (a.status >= 500 || oracle === 'invalid-never-accepted'))
    return { known: KNOWN.nullOptional };
  if (c.op.key === 'GET /health/ready' && oracle === '2xx-matches-document') {
    return { known: KNOWN.healthFields };
  }
  if (c.op.key === 'GET /health/ready' && oracle === '2xx-matches-document') {
    return { known: KNOWN.healthFields };
  }
  return {};
}

/** The request as a shell line that replays it against a local `npm start`. */
export function curlOf(c: FuzzCase, token?: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = [`curl -sS -i -X ${c.op.method} ${q(CURL_BASE + c.url)}`];
  const headers = { ...c.headers };
  if (c.actor === 'caller' && token) headers.Authorization ??= 'Bearer $TOKEN';
  for (const [k, v] of Object.entries(headers))
    parts.push(`-H ${q(`${k}: ${abbreviate(v, 300)}`)}`);
  if (c.body !== undefined) parts.push(`--data-binary ${q(abbreviate(c.body, 2000))}`);
  return parts.join(' ');
}

export function abbreviate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[${text.length} chars in all; rerun with FUZZ_SEED and FUZZ_ONLY to regenerate]`;
}

/**
 * A readable report of all findings, new ones first: per oracle, each distinct failure once (ids
 * folded) with how often it happened, its curl line and the answer.
 */
export function report(findings: Finding[], seed: number, runs: number): string {
  if (findings.length === 0) return 'no findings';
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.known ? `KNOWN: ${f.known}` : 'NEW'} — ${f.oracle}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const lines = [`${findings.length} oracle failures (FUZZ_SEED=${seed} FUZZ_RUNS=${runs})`];
  const order = [...groups.keys()].sort(
    (x, y) => Number(x.startsWith('KNOWN')) - Number(y.startsWith('KNOWN')) || x.localeCompare(y),
  );
  for (const key of order) {
    const list = groups.get(key) ?? [];
    const distinct = new Map<string, { first: Finding; count: number }>();
    for (const f of list) {
      const id = `${f.request.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}: ${f.message}`;
      const seen = distinct.get(id);
      distinct.set(id, { first: seen?.first ?? f, count: (seen?.count ?? 0) + 1 });
    }
    lines.push('', `## ${key}: ${list.length} (${distinct.size} distinct)`);
    [...distinct].slice(0, 25).forEach(([id, { first, count }], i) => {
      lines.push(`- ${id}${count > 1 ? ` (×${count})` : ''}`);
      if (i < 4) lines.push(`  ${first.reproduce}`, `  → ${first.answer}`);
    });
    if (distinct.size > 25) lines.push(`  … and ${distinct.size - 25} more`);
  }
  return lines.join('\n');
}
