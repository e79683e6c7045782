/** One entry of a validation problem's `errors`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem answered by the API (`application/problem+json`), as a throwable error.
 * `type` is the stable identifier to branch on (e.g. `urn:problem:payment-state-conflict`);
 * quote `requestId` when reporting one.
 */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  readonly requestId: string | undefined;
  readonly errors: readonly FieldError[];
  /** Seconds from `Retry-After` (409 in progress, 429, 503), when sent. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    fields: {
      type: string;
      title: string;
      status: number;
      detail?: string | undefined;
      instance?: string | undefined;
      requestId?: string | undefined;
      errors?: readonly FieldError[] | undefined;
      retryAfterSeconds?: number | undefined;
    },
    readonly response?: Response,
  ) {
    super(fields.detail ? `${fields.title}: ${fields.detail}` : fields.title);
    this.type = fields.type;
    this.title = fields.title;
    this.status = fields.status;
    this.detail = fields.detail;
    this.instance = fields.instance;
    this.requestId = fields.requestId;
    this.errors = fields.errors ?? [];
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  /**
   * The problem in an error answer. A body that is not a problem (a proxy's HTML page, an empty
   * 502) still gives one, typed `about:blank` with the HTTP status, so callers handle one class.
   */
  static from(body: unknown, response: Response): ApiProblem {
    const retryAfterSeconds = retryAfter(response.headers.get('Retry-After'));
    const requestId = response.headers.get('X-Request-Id') ?? undefined;
    if (!isProblem(body)) {
      const title = response.statusText || `HTTP ${response.status}`;
      return new ApiProblem(
        { type: 'about:blank', title, status: response.status, requestId, retryAfterSeconds },
        response,
      );
    }
    return new ApiProblem(
      {
        type: body.type,
        title: body.title,
        status: body.status,
        detail: optionalString(body.detail),
        instance: optionalString(body.instance),
        requestId: optionalString(body.requestId) ?? requestId,
        errors: Array.isArray(body.errors) ? body.errors.filter(isFieldError) : [],
        retryAfterSeconds,
      },
      response,
    );
  }
}

/**
 * The data of a call, or its problem thrown as an ApiProblem:
 * `const me = await ok(client.GET('/api/v1/users/me'))`.
 */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw ApiProblem.from(error, response);
  // Only a 2xx without a body (204) has no data, and T is `undefined` there in the generated
  // types; openapi-fetch's result type cannot say that data is present exactly when ok is true.
  return data as T;
}

function isProblem(body: unknown): body is {
  type: string;
  title: string;
  status: number;
  detail?: unknown;
  instance?: unknown;
  requestId?: unknown;
  errors?: unknown;
} {
  return (
    typeof body === 'object' &&
    body !== null &&
    'type' in body &&
    typeof body.type === 'string' &&
    'title' in body &&
    typeof body.title === 'string' &&
    'status' in body &&
    typeof body.status === 'number'
  );
}

function isFieldError(value: unknown): value is FieldError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'field' in value &&
    typeof value.field === 'string' &&
    'message' in value &&
    typeof value.message === 'string'
  );
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
