export { createApiClient, type ApiClient, type ApiClientOptions } from './client.js';
export { ApiProblem, ok, type FieldError } from './problem.js';
export { memoryTokenStore, type TokenPair, type TokenStore } from './tokens.js';
export type { Notification, NotificationEvent, NotificationStreamOptions } from './stream.js';
export type { Fetch, RetryPolicy } from './transport.js';
export type { ApiPaths, IdempotentPostPath } from './paths.js';
export type { components, operations, paths } from './generated/schema.js';
