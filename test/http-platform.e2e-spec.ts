import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('HTTP platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness outside the /api prefix', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.details).toMatchObject({
      database: { status: 'up' },
      redis: { status: 'up' },
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.http.get('/api/v1/nope').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/api/v1/nope' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers unknown paths outside /api with a 404 problem too', async () => {
    const res = await t.http.get('/nope/deeper').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, instance: '/nope/deeper' });
  });

  it('echoes a valid X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await t.http.get('/health/live').set('X-Request-Id', 'client-123');
    expect(echoed.headers['x-request-id']).toBe('client-123');
    const replaced = await t.http.get('/health/live').set('X-Request-Id', 'bad id\twith tab');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.http
      .post('/api/v1/nope')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(res.body).toMatchObject({ type: 'urn:problem:malformed-body', status: 400 });
    expect(JSON.stringify(res.body)).not.toMatch(/at JSON\.parse|node_modules/);
  });

  it('answers an oversized body with a 413 problem', async () => {
    const res = await t.http
      .post('/api/v1/nope')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ big: 'x'.repeat(120 * 1024) }))
      .expect(413);
    expect(res.body).toMatchObject({ type: 'urn:problem:body-too-large', status: 413 });
  });

  it('serves the OpenAPI document with the bearer scheme and problem schema', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(res.body.components.schemas.ProblemDetails).toBeDefined();
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready']),
    );
    const live = res.body.paths['/health/live'].get;
    expect(live.responses.default.content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/ProblemDetails',
    );
    await t.http.get('/docs').expect(200).expect('Content-Type', /html/);
  });

  it('exposes Prometheus metrics: latency by route pattern, queue depth, process', async () => {
    await t.http.get('/health/live').expect(200);
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} \d+/,
    );
    expect(res.text).toMatch(/queue_jobs\{queue="outbox",state="waiting"\} \d+/);
    expect(res.text).toContain('process_resident_memory_bytes');
  });

  it('sets security headers', async () => {
    const res = await t.http.get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
