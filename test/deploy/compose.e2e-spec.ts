import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/index.js';
import { ROOT } from '../support/app-process.js';
import { byName, heapCap, render, type PodTemplate } from './support/manifests.js';

/**
 * `docker compose up --scale api=3 --scale worker=2` needs services that can have several
 * containers (no container name, no host port) and a proxy in front. There is no Docker daemon
 * here: `.ci/run` validates the file with docker-compose and nginx's configuration with
 * `nginx -t`; this checks what those cannot.
 */
interface Service {
  image?: string;
  command?: string[];
  container_name?: string;
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  mem_limit?: string;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };
const { api, worker, proxy } = compose.services;
const SCALED = { api, worker };

/** Compose's interpolation: `${X:-default}` takes the default, `${X:?message}` a stand-in. */
const interpolated = (env: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      v.replace(/\$\{\w+:-([^}]*)\}/g, '$1').replace(/\$\{\w+:\?[^}]*\}/g, 's'.repeat(40)),
    ]),
  );
const seconds = (duration = '10s') => Number(/^(\d+)s$/.exec(duration)?.[1] ?? NaN);
const mebibytes = (size = '') => Number(/^(\d+)m$/.exec(size)?.[1] ?? NaN);

describe('docker-compose.yml scales out', () => {
  it.each(Object.entries(SCALED))('%s has no container name and no host port', (_name, s) => {
    expect(s.container_name).toBeUndefined();
    expect(s.ports).toBeUndefined();
    expect(s.healthcheck?.test.join(' ')).toContain('/health/ready');
  });

  it.each(Object.entries(SCALED))(
    '%s gets a configuration the app accepts, with a grace period above its shutdown budget',
    (_name, s) => {
      const known = new Set(Object.keys(envSchema.shape));
      expect(Object.keys(s.environment!).filter((k) => !known.has(k))).toEqual([]);
      const config = loadConfig(interpolated(s.environment));
      expect(seconds(s.stop_grace_period)).toBeGreaterThan(config.app.shutdownTimeoutMs / 1000);
    },
  );

  it.each(Object.entries(SCALED))('%s caps its heap below its memory limit', (_name, s) => {
    const cap = heapCap(s.command);
    expect(cap).not.toBeNull();
    expect(cap! + 128).toBeLessThanOrEqual(mebibytes(s.mem_limit));
  });

  it('puts nginx in front: the only published app port, re-resolving the api containers', () => {
    expect(proxy.ports).toEqual(['3000:8080']);
    expect(proxy.depends_on?.api.condition).toBe('service_healthy');
    const mount = proxy.volumes!.find((v) => v.endsWith(':/etc/nginx/nginx.conf:ro'))!;
    const file = join(ROOT, mount.split(':')[0]);
    expect(existsSync(file)).toBe(true);
    const conf = readFileSync(file, 'utf8');
    // Docker's DNS, re-asked every few seconds: containers added by a scale are picked up.
    expect(conf).toMatch(/resolver 127\.0\.0\.11 valid=\d+s/);
    expect(conf).toMatch(/set \$api http:\/\/api:3000;\s+proxy_pass \$api;/);
    expect(conf).toMatch(/listen 8080;/);
    // Retries on another container only where it is safe (no `non_idempotent`).
    expect(conf).toMatch(/proxy_next_upstream error timeout/);
    expect(conf).not.toMatch(/proxy_next_upstream [^;]*non_idempotent/);
    expect(conf).toMatch(/location = \/metrics \{\s+return 404;/);
    // The api trusts exactly that one hop for client addresses (rate limits).
    expect(api.environment!.TRUST_PROXY).toBe('1');
  });

  it('runs the api with the same heap cap as the image and the Kubernetes Deployment', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    const objects = render('base');
    const deployment = byName(objects, 'Deployment', 'app-api');
    const k8s = (deployment.spec as { template: PodTemplate }).template.spec.containers[0];
    expect(heapCap(cmd)).toBe(heapCap(api.command));
    expect(heapCap(k8s.command)).toBe(heapCap(api.command));
    const k8sWorker = (
      byName(objects, 'Deployment', 'app-worker').spec as { template: PodTemplate }
    ).template.spec.containers[0];
    expect(heapCap(k8sWorker.command)).toBe(heapCap(worker.command));
  });
});
