import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export interface ClientInfo {
  /** From X-Forwarded-For only across the TRUST_PROXY hops (express `trust proxy`). */
  ip: string | null;
  userAgent: string | null;
}

export function clientInfoOf(req: Request): ClientInfo {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip ? req.ip.replace(/^::ffff:/, '').slice(0, 64) : null,
    userAgent: typeof ua === 'string' && ua.length > 0 ? ua.slice(0, 512) : null,
  };
}

/** The caller's IP and user agent, for sessions, rate limits and the audit trail. */
export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientInfo =>
  clientInfoOf(ctx.switchToHttp().getRequest<Request>()),
);
