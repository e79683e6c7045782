import { HttpException } from '@nestjs/common';
import type { Logger } from 'pino';
import { unavailableDependency } from '../common/dependency-errors.js';
import { DomainError } from '../common/errors/domain-error.js';
import { OutageLog } from './outage-log.js';
import type { Problem } from './problem-details.js';

/**
 * The one log line of a failed request, besides the access line: a client's mistake at debug, a
 * deliberate 5xx (a problem the code chose to answer) at warn, an outage once per burst
 * (OutageLog), and only a real, unknown error at error level with its stack, so that an
 * error-level alert means a bug.
 */
export class ErrorLog {
  constructor(
    private readonly logger: Logger,
    private readonly outages = new OutageLog(logger),
  ) {}

  log(exception: unknown, problem: Problem): void {
    const chosen = exception instanceof HttpException || exception instanceof DomainError;
    const dependency = chosen ? null : unavailableDependency(exception);
    if (dependency) {
      this.outages.record(dependency, exception);
      return;
    }
    const fields = { type: problem.type, status: problem.status, detail: problem.detail };
    if (problem.status < 500) this.logger.debug(fields, 'request rejected');
    else if (chosen) this.logger.warn(fields, 'request not served');
    else this.logger.error({ err: exception }, 'unhandled error');
  }
}
