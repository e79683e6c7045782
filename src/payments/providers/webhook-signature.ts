import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { WebhookSignatureError } from './payment-provider.js';
import type { WebhookHeaders } from './payment-provider.js';

/**
 * The one webhook verification path for every provider. The sandbox signs its events in Stripe's
 * `Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">` format, so both go through the
 * SDK's `constructEvent`: one audited implementation of the constant-time compare and the replay
 * window instead of two.
 */

export const SIGNATURE_HEADER = 'stripe-signature';
/** Older signed bodies are refused, which bounds how long a captured request can be replayed. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verifies the signature over the exact raw bytes and returns the parsed JSON body.
 * `receivedAtMs` is "now" for the age check (injected so tests and the sandbox share a clock).
 */
export function verifySignedBody(
  rawBody: Buffer,
  headers: WebhookHeaders,
  secret: string,
  receivedAtMs: number,
): unknown {
  const header = signatureHeader(headers);
  try {
    return Stripe.webhooks.constructEvent(
      rawBody,
      header,
      secret,
      WEBHOOK_TOLERANCE_SECONDS,
      undefined,
      receivedAtMs,
    );
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new WebhookSignatureError('malformed_payload', 'signed body is not JSON', {
        cause: error,
      });
    }
    throw new WebhookSignatureError('invalid', 'webhook signature verification failed', {
      cause: error,
    });
  }
}

/** The header value a gateway sends with `body` (used by the sandbox to sign what it emits). */
export function signBody(body: string, secret: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

function signatureHeader(headers: WebhookHeaders): string {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === SIGNATURE_HEADER);
  const value = key === undefined ? undefined : headers[key];
  if (value === undefined || value === '') {
    throw new WebhookSignatureError('missing', `missing ${SIGNATURE_HEADER} header`);
  }
  // Two signature headers are never sent by a gateway; picking one would let a forger choose.
  if (Array.isArray(value)) {
    throw new WebhookSignatureError('invalid', `repeated ${SIGNATURE_HEADER} header`);
  }
  return value;
}
