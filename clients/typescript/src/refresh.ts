import type { TokenPair, TokenStore } from './tokens.js';

/** A refresh that did not give a pair: its answer, kept so that every waiter gets a copy. */
export interface RefreshFailure {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

export type RefreshOutcome = { pair: TokenPair } | { failure: RefreshFailure };

/** Sends `POST /auth/refresh` with this refresh token. */
export type RefreshCall = (refreshToken: string) => Promise<RefreshOutcome>;

/**
 * One refresh for many refused requests. Every request sent with the same access token that gets
 * a 401 waits for the same `POST /auth/refresh`, and the new pair is stored before any of them is
 * retried. Two refreshes of one refresh token would look like token theft to the server (reuse
 * signs the device out), so the decision to start one is synchronous: no await between looking
 * for a refresh in flight and starting it.
 */
export class SingleFlightRefresh {
  /** The latest refresh, keyed by the access token it replaces. A success stays here for late 401s. */
  private latest: { from: string; outcome: Promise<RefreshOutcome> } | null = null;

  constructor(
    private readonly tokens: TokenStore,
    private readonly call: RefreshCall,
    private readonly onSessionEnded: () => void | Promise<void>,
  ) {}

  /** The outcome of replacing `rejected`, starting the refresh only if nobody has. */
  after(rejected: TokenPair): Promise<RefreshOutcome> {
    const latest = this.latest;
    if (latest && latest.from === rejected.accessToken) return latest.outcome;
    const entry = { from: rejected.accessToken, outcome: this.run(rejected) };
    this.latest = entry;
    const forget = () => {
      if (this.latest === entry) this.latest = null;
    };
    // After a failure (429, 503, network) a later 401 may try again.
    entry.outcome.then((outcome) => ('pair' in outcome ? undefined : forget()), forget);
    return entry.outcome;
  }

  private async run(rejected: TokenPair): Promise<RefreshOutcome> {
    const current = await this.tokens.get();
    // Signed in again or refreshed meanwhile (another path): use that pair, refresh nothing.
    if (current && current.accessToken !== rejected.accessToken) return { pair: current };
    const outcome = await this.call((current ?? rejected).refreshToken);
    if ('pair' in outcome) {
      await this.tokens.set(outcome.pair);
    } else if (outcome.failure.status === 401) {
      // The session is over (expired, revoked, or the token was reused): sign in again.
      await this.tokens.set(null);
      await this.onSessionEnded();
    }
    return outcome;
  }
}

/** A Response for one waiter (a body can be read only once). */
export function failureResponse(failure: RefreshFailure): Response {
  const { status, statusText, headers, body } = failure;
  return new Response(body, { status, statusText, headers });
}
