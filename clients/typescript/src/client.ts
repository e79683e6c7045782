import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema.js';
import { IDEMPOTENCY_KEY, type ApiPaths, type IdempotentPostPath } from './paths.js';
import { ApiProblem } from './problem.js';
import { SingleFlightRefresh, failureResponse, type RefreshCall } from './refresh.js';
import {
  notificationEvents,
  type NotificationEvent,
  type NotificationStreamOptions,
} from './stream.js';
import { memoryTokenStore, tokenPairIn, type TokenPair, type TokenStore } from './tokens.js';
import { authorizedFetch, retryingFetch, type Fetch, type RetryPolicy } from './transport.js';

export interface ApiClientOptions {
  /** e.g. `https://api.example.com` (paths start with `/api/v1`). */
  baseUrl: string;
  /** Where the token pair lives; default: memory. */
  tokens?: TokenStore;
  /** Default: the global fetch. */
  fetch?: Fetch;
  /** A fresh `Idempotency-Key`; default `crypto.randomUUID()` (React Native: bring your own). */
  newIdempotencyKey?: () => string;
  /** Retries of keyed (money) POSTs; default 2 retries, waits up to 5 s. */
  retry?: Partial<RetryPolicy>;
  /** Called once the refresh token is refused (session over): send the user to sign in. */
  onSessionEnded?: () => void | Promise<void>;
}

/** The generated client (`GET`, `POST`, … on the document's paths) plus what it cannot generate. */
export interface ApiClient extends Client<ApiPaths> {
  readonly tokens: TokenStore;
  /** Replaces the stored pair now (shared with any refresh a 401 started). */
  refresh(): Promise<TokenPair>;
  /** The live notification stream; see NotificationStreamOptions. */
  notificationEvents(options?: NotificationStreamOptions): AsyncGenerator<NotificationEvent>;
}

const LOGIN = '/api/v1/auth/login' satisfies keyof paths;
const REFRESH = '/api/v1/auth/refresh' satisfies keyof paths;
const LOGOUT = '/api/v1/auth/logout' satisfies keyof paths;
const MFA_CHALLENGE = '/api/v1/auth/mfa/challenge' satisfies keyof paths;
const STEP_UP = '/api/v1/auth/mfa/step-up' satisfies keyof paths;

/** The POSTs that get a generated `Idempotency-Key`. */
const KEYED_POSTS = [
  '/api/v1/payments',
  '/api/v1/payments/{id}/confirm',
  '/api/v1/payments/{id}/cancel',
  '/api/v1/payments/{id}/refunds',
] as const satisfies readonly IdempotentPostPath[];
// Does not compile when the document requires the key on a POST missing above.
const _allKeyedPostsListed: [Exclude<IdempotentPostPath, (typeof KEYED_POSTS)[number]>] extends [
  never,
]
  ? true
  : false = true;

export function createApiClient(options: ApiClientOptions): ApiClient {
  const tokens = options.tokens ?? memoryTokenStore();
  const send: Fetch = options.fetch ?? ((request) => globalThis.fetch(request));
  const refresher = new SingleFlightRefresh(
    tokens,
    refreshCall(options.baseUrl, send),
    options.onSessionEnded ?? (() => {}),
  );
  const policy: RetryPolicy = { attempts: 2, maxDelayMs: 5000, ...options.retry };
  const client = createClient<ApiPaths>({
    baseUrl: options.baseUrl,
    fetch: retryingFetch(authorizedFetch(send, tokens, refresher), policy, delay),
  });
  client.use(
    idempotencyKeys(options.newIdempotencyKey ?? (() => crypto.randomUUID())),
    tokenKeeping(tokens),
  );
  return Object.assign(client, {
    tokens,
    refresh: () => refreshNow(tokens, refresher),
    notificationEvents: (streamOptions?: NotificationStreamOptions) =>
      notificationEvents(client, streamOptions),
  });
}

/** A key per call on the keyed POSTs, unless the caller passed one (to reuse it across launches). */
function idempotencyKeys(newKey: () => string): Middleware {
  const keyed = new Set<string>(KEYED_POSTS);
  return {
    onRequest({ request, schemaPath }) {
      if (request.method !== 'POST' || !keyed.has(schemaPath)) return undefined;
      if (!request.headers.has(IDEMPOTENCY_KEY)) request.headers.set(IDEMPOTENCY_KEY, newKey());
      return request;
    },
  };
}

/**
 * Stores the pair a login, MFA challenge or refresh returned (a login that needs a second factor
 * returns none); a step-up's new access token joins the stored refresh token; forgets the pair
 * after a logout.
 */
function tokenKeeping(tokens: TokenStore): Middleware {
  return {
    async onResponse({ response, schemaPath }) {
      if (!response.ok) return undefined;
      if (schemaPath === LOGIN || schemaPath === REFRESH || schemaPath === MFA_CHALLENGE) {
        const pair = tokenPairIn(await response.clone().json());
        if (pair) await tokens.set(pair);
      } else if (schemaPath === STEP_UP) {
        const current = await tokens.get();
        const body = (await response.clone().json()) as { accessToken?: unknown };
        if (current && typeof body.accessToken === 'string') {
          await tokens.set({ ...current, accessToken: body.accessToken });
        }
      } else if (schemaPath === LOGOUT) {
        await tokens.set(null);
      }
      return undefined;
    },
  };
}

function refreshCall(baseUrl: string, send: Fetch): RefreshCall {
  const plain = createClient<paths>({ baseUrl, fetch: send });
  return async (refreshToken) => {
    const { data, error, response } = await plain.POST(REFRESH, { body: { refreshToken } });
    if (data) return { pair: { accessToken: data.accessToken, refreshToken: data.refreshToken } };
    const headers = [...response.headers].filter(([name]) => name !== 'content-length');
    const { status, statusText } = response;
    return { failure: { status, statusText, headers, body: JSON.stringify(error ?? null) } };
  };
}

async function refreshNow(tokens: TokenStore, refresher: SingleFlightRefresh): Promise<TokenPair> {
  const pair = await tokens.get();
  if (!pair) throw new Error('Not signed in: there is no refresh token to use.');
  const outcome = await refresher.after(pair);
  if ('pair' in outcome) return outcome.pair;
  const response = failureResponse(outcome.failure);
  throw ApiProblem.from(await response.json(), response);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
