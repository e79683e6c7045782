import { Injectable } from '@nestjs/common';

/** Whether this instance wants new traffic: false from the moment it starts shutting down. */
@Injectable()
export class Readiness {
  private stopping = false;

  get draining(): boolean {
    return this.stopping;
  }

  /** From now on /health/ready answers 503, so a load balancer takes the instance out. */
  drain(): void {
    this.stopping = true;
  }
}
