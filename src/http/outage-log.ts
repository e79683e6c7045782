import type { Logger } from 'pino';
import type { Dependency } from '../common/dependency-errors.js';

interface Burst {
  /** Failures since the burst's last line. */
  count: number;
  timer: NodeJS.Timeout;
}

/**
 * Logs a dependency outage once per burst instead of once per failed request: the first failure
 * at once (with the error), then one line per window with how many more failed, and nothing once
 * a window passes without failures. An outage under load stays a handful of lines.
 */
export class OutageLog {
  private readonly bursts = new Map<Dependency, Burst>();

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = 10_000,
  ) {}

  record(dependency: Dependency, err: unknown): void {
    const burst = this.bursts.get(dependency);
    if (burst) {
      burst.count++;
      return;
    }
    this.logger.warn(
      { dependency, err: summary(err) },
      `${dependency} unavailable: answering 503 until it returns`,
    );
    this.open(dependency);
  }

  private open(dependency: Dependency): void {
    const timer = setTimeout(() => this.close(dependency), this.windowMs);
    // A pending summary must not keep a stopping process alive.
    timer.unref();
    this.bursts.set(dependency, { count: 0, timer });
  }

  private close(dependency: Dependency): void {
    const count = this.bursts.get(dependency)?.count ?? 0;
    this.bursts.delete(dependency);
    if (count === 0) return;
    this.logger.warn(
      { dependency, failures: count, windowMs: this.windowMs },
      `${dependency} unavailable: ${count} more requests answered 503`,
    );
    this.open(dependency);
  }
}

/** The error without its stack: an outage's stack says nothing, a thousand of them less. */
function summary(err: unknown): { type?: string; message: string; code?: unknown } {
  if (!(err instanceof Error)) return { message: String(err) };
  return { type: err.name, message: err.message, code: (err as { code?: unknown }).code };
}
