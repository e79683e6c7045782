import type { FuzzCase } from './cases.js';
import { abbreviate, curlOf, judge, type Answer, type Finding } from './oracles.js';
import type { SchemaBook } from './schema.js';

/** Bounded so one hanging route shows up as a finding instead of a jest timeout. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Seed and run count of this run: `FUZZ_SEED` and `FUZZ_RUNS` reproduce it. The default seed is
 * fixed so that `npm test` asks the same questions every run (a red CI names a regression, not a
 * new draw); `FUZZ_SEED=random` draws one, to explore.
 */
export const FUZZ_SEED = seedFrom(process.env.FUZZ_SEED ?? '20261205');
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** `FUZZ_ONLY='POST /api/v1/auth/login'` fuzzes the operations whose key contains it. */
export const FUZZ_ONLY = process.env.FUZZ_ONLY;

/** A seed per operation, so adding an operation leaves the others' requests unchanged. */
export function seedFor(key: string): number {
  let h = FUZZ_SEED >>> 0;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h | 0;
}

/** Sends cases to the app over real HTTP and keeps every oracle failure. */
export class Fuzzer {
  readonly findings: Finding[] = [];
  /** Statuses seen per operation: shows the requests got past authentication and validation. */
  readonly statuses = new Map<string, Set<number>>();
  /** Milliseconds spent per operation, to keep the suite's cost visible. */
  readonly spent = new Map<string, number>();
  sent = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly book: SchemaBook,
  ) {}

  async send(c: FuzzCase, token?: string): Promise<Answer> {
    const headers = new Headers();
    for (const [k, v] of Object.entries(c.headers)) headers.set(k, v);
    if (c.actor === 'caller' && token && !headers.has('Authorization')) {
      headers.set('Authorization', `Bearer ${token}`);
    }
    this.sent += 1;
    const started = Date.now();
    const res = await fetch(this.baseUrl + c.url, {
      method: c.op.method,
      headers,
      // Bytes, not a string: fetch would add `Content-Type: text/plain` to a string body.
      ...(c.body !== undefined ? { body: Buffer.from(c.body, 'utf8') } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      // A redirect is an answer of the API (GET /files/{id}/content): judged, not followed.
      redirect: 'manual',
    });
    const seen = this.statuses.get(c.op.key) ?? new Set<number>();
    this.statuses.set(c.op.key, seen.add(res.status));
    const text = await res.text();
    this.spent.set(c.op.key, (this.spent.get(c.op.key) ?? 0) + Date.now() - started);
    if (process.env.FUZZ_DEBUG && c.kind === 'valid' && res.status >= 300) {
      console.log(`${c.op.key} valid → ${res.status} ${text.slice(0, 300)} ${c.body ?? ''}`);
    }
    return { status: res.status, headers: res.headers, text };
  }

  /** Sends `c`, applies the oracles, records what failed; returns the answer (null on no answer). */
  async check(c: FuzzCase, token?: string, where = ''): Promise<Answer | null> {
    let answer: Answer;
    try {
      answer = await this.send(c, token);
    } catch (error) {
      this.record(
        c,
        token,
        where,
        { oracle: 'answers', message: `no answer: ${String(error)}` },
        null,
      );
      return null;
    }
    for (const fault of judge(this.book, c, answer)) this.record(c, token, where, fault, answer);
    return answer;
  }

  record(
    c: FuzzCase,
    token: string | undefined,
    where: string,
    fault: { oracle: string; message: string; known?: string },
    answer: Answer | null,
  ): void {
    this.findings.push({
      ...fault,
      request: `${c.op.method} ${abbreviate(c.url, 120)} [${c.kind}, as ${c.actor}]${where ? ` ${where}` : ''}`,
      answer: answer ? `${answer.status} ${abbreviate(answer.text, 400)}` : 'no answer',
      reproduce: curlOf(c, token),
    });
  }
}

function seedFrom(text: string): number {
  return text === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(text);
}
