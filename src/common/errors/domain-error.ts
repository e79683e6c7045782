/**
 * Why a use case refused. Services and domain code throw these; only the HTTP edge knows status
 * codes (`src/http/problem-details.filter.ts` maps each kind to one).
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'gone'
  | 'precondition-failed'
  | 'too-large'
  | 'unprocessable'
  | 'rate-limited'
  | 'unavailable';

export interface FieldViolation {
  field: string;
  message: string;
}

export interface DomainErrorInit {
  kind: DomainErrorKind;
  /** Stable kebab-case name; clients see it as the problem type `urn:problem:<code>`. */
  code: string;
  /** A sentence for the person reading the response. */
  detail: string;
  fields?: FieldViolation[];
  /** The client may retry after this many seconds (the Retry-After header). */
  retryAfterSeconds?: number;
  /** Extra members of the problem body, e.g. the current state of a resource. */
  extensions?: Record<string, unknown>;
}

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly code: string;
  readonly fields?: FieldViolation[];
  readonly retryAfterSeconds?: number;
  readonly extensions?: Record<string, unknown>;

  constructor(init: DomainErrorInit) {
    super(init.detail);
    this.name = 'DomainError';
    this.kind = init.kind;
    this.code = init.code;
    this.fields = init.fields;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.extensions = init.extensions;
  }
}
