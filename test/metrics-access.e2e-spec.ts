import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort } from '../src/common/free-port.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * /metrics is for the scraper: behind METRICS_TOKEN, or on its own METRICS_PORT that no load
 * balancer forwards, and in production never open on the public port by default.
 */
const TOKEN = 'metrics-token-for-tests-0123456789';

describe('metrics access', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('with METRICS_TOKEN, answers only the scraper that sends it', async () => {
    t = await createTestApp({ METRICS_TOKEN: TOKEN });
    const refused = await t.http.get('/metrics').expect(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(refused.body.type).toBe('urn:problem:unauthenticated');
    expect(refused.text).not.toContain('process_resident_memory_bytes');
    await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    await t.http.get('/metrics').set('Authorization', TOKEN).expect(401);
    const scraped = await t.http
      .get('/metrics')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200);
    expect(scraped.text).toContain('process_resident_memory_bytes');
  });

  it('with METRICS_PORT, serves them there only: the public port answers 404', async () => {
    const port = await freePort();
    t = await createTestApp({ METRICS_PORT: String(port) });
    await t.http.get('/health/live').expect(200);
    const hidden = await t.http.get('/metrics').expect(404);
    expect(hidden.text).not.toContain('process_resident_memory_bytes');

    const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // The api's own request metrics, counted on the public port.
    expect(await scraped.text()).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} \d+/,
    );
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/users/me`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('with METRICS_PORT and METRICS_TOKEN, wants the token on that port too', async () => {
    const port = await freePort();
    t = await createTestApp({ METRICS_PORT: String(port), METRICS_TOKEN: TOKEN });
    const refused = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const scraped = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(scraped.status).toBe(200);
  });

  it('closes the metrics port with the app', async () => {
    const port = await freePort();
    const app = await createTestApp({ METRICS_PORT: String(port) });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await app.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
