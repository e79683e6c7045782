import type request from 'supertest';

/** The app over HTTP as supertest drives it; every path is absolute (`/api/v1/...`). */
export type Http = ReturnType<typeof request>;

/** Anything that holds an access token: a `SignedUp` user, a login answer. */
export interface Signed {
  accessToken: string;
}

/**
 * Requests as one signed-in caller: supertest's own, with the bearer token already set, so a
 * test says who asks and what, and chains `.send()`, `.query()`, `.expect()` as usual.
 */
export class SignedInClient {
  /** `http` is read at each request, so whatever wraps the app's supertest applies here too. */
  constructor(
    private readonly http: () => Http,
    private readonly accessToken: string,
  ) {}

  get(path: string): request.Test {
    return this.signed(this.http().get(path));
  }

  post(path: string): request.Test {
    return this.signed(this.http().post(path));
  }

  put(path: string): request.Test {
    return this.signed(this.http().put(path));
  }

  patch(path: string): request.Test {
    return this.signed(this.http().patch(path));
  }

  delete(path: string): request.Test {
    return this.signed(this.http().delete(path));
  }

  private signed(req: request.Test): request.Test {
    return req.set('Authorization', `Bearer ${this.accessToken}`);
  }
}
