import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** The account the authorize endpoint signs in (no login page: it redirects back at once). */
export interface ProviderUser {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string;
  user: ProviderUser;
}

/** Apple's client authentication: the client secret is an ES256 JWT signed with the team's key. */
export interface ClientSecretJwtCheck {
  teamId: string;
  keyId: string;
  publicKey: CryptoKey;
}

/** Apple's longest accepted client secret lifetime. */
const SIX_MONTHS_SECONDS = 15_777_000;

/**
 * A small but real OpenID provider on loopback: a discovery document, a JWKS, an authorization
 * endpoint that redirects back with a code for `user`, and a token endpoint that checks the client
 * secret and the PKCE verifier and returns an RS256 id token. Keys rotate on request.
 */
export class TestOidcProvider {
  issuer = '';
  user: ProviderUser = { sub: randomUUID(), email: 'web@example.test', email_verified: true };
  jwksFetches = 0;
  /** Token requests refused (unknown code, wrong secret, redirect URI or PKCE verifier). */
  refusedGrants = 0;
  private server: Server;
  private published: SigningKey[] = [];
  private current: SigningKey;
  private readonly codes = new Map<string, PendingCode>();
  /** When set, the token endpoint wants a signed JWT as client secret instead of `clientSecret`. */
  clientSecretJwt: ClientSecretJwtCheck | null = null;
  /** Client secrets (JWTs) the token endpoint saw, for the tests to inspect. */
  readonly seenClientSecrets: string[] = [];

  constructor(
    readonly clientIds: string[],
    readonly clientSecret: string,
  ) {}

  async start(): Promise<this> {
    this.current = await newKey();
    this.published = [this.current];
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The app's variables for this provider under `name`. */
  env(name: string): Record<string, string> {
    const prefix = `OIDC_${name.toUpperCase()}_`;
    return {
      [`${prefix}ISSUER`]: this.issuer,
      [`${prefix}CLIENT_IDS`]: this.clientIds.join(','),
      [`${prefix}CLIENT_SECRET`]: this.clientSecret,
    };
  }

  /** A new signing key, published beside the old one. */
  async rotate(): Promise<void> {
    this.current = await newKey();
    this.published.push(this.current);
  }

  /** A key the JWKS does not (yet) publish. */
  unpublishedKey(): Promise<SigningKey> {
    return newKey();
  }

  /** An id token as this provider would issue it; `claims` override or (undefined) remove. */
  async idToken(
    claims: Record<string, unknown> = {},
    options: { key?: SigningKey } = {},
  ): Promise<string> {
    const key = options.key ?? this.current;
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: this.issuer,
      aud: this.clientIds[0],
      sub: this.user.sub,
      iat: now,
      exp: now + 600,
      email: this.user.email,
      email_verified: this.user.email_verified,
      ...claims,
    };
    for (const [name, value] of Object.entries(payload))
      if (value === undefined) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') return send(200, this.discovery());
    if (url.pathname === '/jwks') {
      this.jwksFetches += 1;
      return send(200, { keys: this.published.map((k) => k.publicJwk) });
    }
    if (url.pathname === '/authorize') {
      const location = new URL(this.authorize(url.searchParams));
      if (url.searchParams.get('response_mode') === 'form_post') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end(formPost(location));
      }
      res.writeHead(302, { location: location.href });
      return void res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const answer = await this.token(form);
      return send(answer.status, answer.body, { 'cache-control': 'no-store' });
    }
    send(404, { error: 'not_found' });
  }

  private discovery() {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      jwks_uri: `${this.issuer}/jwks`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      scopes_supported: ['openid', 'email', 'profile'],
    };
  }

  private authorize(params: URLSearchParams): string {
    const redirectUri = params.get('redirect_uri') ?? '';
    const back = new URL(redirectUri);
    const state = params.get('state');
    if (state) back.searchParams.set('state', state);
    const clientId = params.get('client_id') ?? '';
    const codeChallenge = params.get('code_challenge') ?? '';
    if (
      !this.clientIds.includes(clientId) ||
      params.get('code_challenge_method') !== 'S256' ||
      !codeChallenge
    ) {
      back.searchParams.set('error', 'invalid_request');
      return back.href;
    }
    const code = randomBytes(16).toString('base64url');
    this.codes.set(code, {
      clientId,
      redirectUri,
      nonce: params.get('nonce') ?? undefined,
      codeChallenge,
      user: { ...this.user },
    });
    back.searchParams.set('code', code);
    // Apple: a form post carries the name, on the first authorization only (the test decides).
    if (params.get('response_mode') === 'form_post' && this.user.name) {
      const [firstName, ...rest] = this.user.name.split(' ');
      const name = { firstName, lastName: rest.join(' ') };
      back.searchParams.set('user', JSON.stringify({ name, email: this.user.email }));
    }
    return back.href;
  }

  private async token(form: URLSearchParams): Promise<{ status: number; body: unknown }> {
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      !pending ||
      form.get('grant_type') !== 'authorization_code' ||
      form.get('client_id') !== pending.clientId ||
      !(await this.clientAuthenticated(form)) ||
      form.get('redirect_uri') !== pending.redirectUri ||
      challenge !== pending.codeChallenge
    ) {
      this.refusedGrants += 1;
      return { status: 400, body: { error: 'invalid_grant' } };
    }
    const idToken = await this.idToken({
      ...pending.user,
      aud: pending.clientId,
      nonce: pending.nonce,
    });
    return {
      status: 200,
      body: {
        access_token: randomUUID(),
        token_type: 'Bearer',
        expires_in: 600,
        id_token: idToken,
      },
    };
  }

  private async clientAuthenticated(form: URLSearchParams): Promise<boolean> {
    const secret = form.get('client_secret') ?? '';
    if (!this.clientSecretJwt) return secret === this.clientSecret;
    this.seenClientSecrets.push(secret);
    const { teamId, keyId, publicKey } = this.clientSecretJwt;
    try {
      const { payload, protectedHeader } = await jwtVerify(secret, publicKey, {
        algorithms: ['ES256'],
        issuer: teamId,
        subject: form.get('client_id') ?? '',
        audience: this.issuer,
        requiredClaims: ['iat', 'exp'],
      });
      return (
        protectedHeader.kid === keyId &&
        (payload.exp as number) - (payload.iat as number) <= SIX_MONTHS_SECONDS
      );
    } catch {
      return false;
    }
  }
}

/** What the provider's page does for `response_mode=form_post`: a self-submitting form. */
function formPost(target: URL): string {
  const action = `${target.origin}${target.pathname}`;
  const inputs = [...target.searchParams]
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');
  return `<form method="post" action="${action}">${inputs}</form>`;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The browser's side of `formPost`: the action and the fields it would submit. */
export function parseFormPost(html: string): { action: string; fields: URLSearchParams } {
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1] ?? '';
  const fields = new URLSearchParams();
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    fields.set(
      name as string,
      (value as string)
        .replace(/&lt;/g, '<')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    );
  }
  return { action, fields };
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/** What a native app does: a random raw nonce, and the SHA-256 (hex) the SDK puts in the token. */
export function nativeNonce(): { raw: string; hashed: string } {
  const raw = randomBytes(16).toString('base64url');
  return { raw, hashed: createHash('sha256').update(raw).digest('hex') };
}
