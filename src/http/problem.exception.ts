import { HttpException } from '@nestjs/common';
import { problemType, statusTitle, type FieldError } from './problem-details.js';

export interface ProblemInit {
  status: number;
  /** Short kebab-case name of the problem kind; becomes `urn:problem:<slug>`. */
  slug: string;
  detail?: string;
  title?: string;
  errors?: FieldError[];
  /** Extension members (RFC 9457 §3.2), e.g. `retryAfter`. */
  extensions?: Record<string, unknown>;
  /** Response headers to set, e.g. Retry-After. */
  headers?: Record<string, string>;
}

/** Throw from anywhere: the problem filter renders it as application/problem+json. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemInit) {
    super(problem.detail ?? statusTitle(problem.status), problem.status);
  }

  get type(): string {
    return problemType(this.problem.slug);
  }
}
