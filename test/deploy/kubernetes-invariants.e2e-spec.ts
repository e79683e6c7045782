import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { ROOT } from '../support/app-process.js';
import {
  byName,
  containerEnv,
  heapCap,
  KUSTOMIZATIONS,
  mebibytes,
  render,
  workloads,
  type Container,
  type K8sObject,
  type PodTemplate,
} from './support/manifests.js';

/**
 * The rules every rendered kustomization keeps, read from the objects `kubectl apply -k` would
 * send: what the schemas cannot say (kubernetes-schema.e2e-spec.ts checks the shapes).
 */
const SECRET_NAME = 'app-secrets';
/** Variables that hold credentials: only ever from the Secret, never a literal. */
const SECRET_VARIABLES =
  /^(DATABASE_URL|REDIS_URL|SMTP_URL|JWT_SECRET|MFA_ENCRYPTION_KEY|METRICS_TOKEN|.*_SECRET|.*_SECRET_KEY|.*_PASSWORD|.*_PRIVATE_KEY|FCM_SERVICE_ACCOUNT_JSON)$/;
/** Headroom above V8's old space for code, new space, buffers and native memory (MiB). */
const NON_HEAP_MIB = 128;

function commandOf(container: Container): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])];
}

function preStopSleepSeconds(container: Container): number {
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) : 0;
}

function selects(selector: Record<string, string>, template: PodTemplate): boolean {
  const labels = template.metadata.labels;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe.each(KUSTOMIZATIONS)('deploy/kubernetes/%s: invariants', (kustomization) => {
  const objects = render(kustomization);
  const pods = workloads(objects);
  const deployment = (name: string) => byName(objects, 'Deployment', name);
  const templateOf = (obj: K8sObject) => (obj.spec as { template: PodTemplate }).template;
  const containers = pods.flatMap(({ obj, template }) =>
    [...template.spec.containers, ...(template.spec.initContainers ?? [])].map((c) => ({
      obj,
      c,
    })),
  );

  it('has the api and worker Deployments and the migrations Job', () => {
    expect(pods.map(({ obj }) => `${obj.kind}/${obj.metadata.name}`).sort()).toEqual([
      'Deployment/app-api',
      'Deployment/app-worker',
      'Job/app-migrate',
    ]);
  });

  it('pins every image to a tag or digest, never latest', () => {
    for (const { c } of containers) {
      const image = c.image;
      const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:[\w][\w.-]{0,127}$/.test(image);
      expect({ image, pinned }).toEqual({ image, pinned: true });
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it('sets CPU and memory requests and a memory limit above the request on every container', () => {
    for (const { c } of containers) {
      const { requests = {}, limits = {} } = c.resources ?? {};
      expect({ container: c.name, cpu: requests.cpu !== undefined }).toEqual({
        container: c.name,
        cpu: true,
      });
      expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(mebibytes(requests.memory));
    }
  });

  it('caps the V8 heap below the memory limit, with room for what is not heap', () => {
    for (const { c } of containers) {
      const cap = heapCap(commandOf(c));
      expect({ container: c.name, capped: cap !== null }).toEqual({
        container: c.name,
        capped: true,
      });
      expect(cap! + NON_HEAP_MIB).toBeLessThanOrEqual(mebibytes(c.resources!.limits!.memory));
    }
  });

  it('runs each role from the image: api main.js, worker worker.js, the Job migrate.js', () => {
    const script = (name: string) => commandOf(templateOf(deployment(name)).spec.containers[0]);
    expect(script('app-api')).toContain('dist/src/main.js');
    expect(script('app-worker')).toContain('dist/src/worker.js');
    const job = byName(objects, 'Job', 'app-migrate');
    expect(commandOf(templateOf(job).spec.containers[0])).toContain('dist/src/migrate.js');
    expect(existsSync(join(ROOT, 'src', 'migrate.ts'))).toBe(true);
  });

  it("gives every container an environment the app's configuration accepts", () => {
    for (const { obj, c } of containers) {
      const env = containerEnv(objects, c);
      expect(() => loadConfig(env)).not.toThrow();
      expect({ workload: obj.metadata.name, NODE_ENV: env.NODE_ENV }).toEqual({
        workload: obj.metadata.name,
        NODE_ENV: 'production',
      });
    }
  });

  it('migrates only in the Job: the api and worker run with DB_MIGRATE_ON_BOOT=false', () => {
    for (const name of ['app-api', 'app-worker']) {
      const c = templateOf(deployment(name)).spec.containers[0];
      expect(loadConfig(containerEnv(objects, c)).database.migrateOnBoot).toBe(false);
    }
  });

  it('probes the api on /health/live (startup, liveness) and /health/ready on its PORT', () => {
    const c = templateOf(deployment('app-api')).spec.containers[0];
    const config = loadConfig(containerEnv(objects, c));
    const port = (name: string | number) =>
      typeof name === 'number' ? name : c.ports!.find((p) => p.name === name)!.containerPort;
    expect(c.startupProbe?.httpGet?.path).toBe('/health/live');
    expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe])
      expect(port(probe!.httpGet!.port)).toBe(config.http.port);
  });

  it('probes the worker on its WORKER_HEALTH_PORT, where it also serves /metrics', () => {
    const c = templateOf(deployment('app-worker')).spec.containers[0];
    const config = loadConfig(containerEnv(objects, c));
    expect(config.app.role).toBe('worker');
    const port = (name: string | number) =>
      typeof name === 'number' ? name : c.ports!.find((p) => p.name === name)!.containerPort;
    expect(c.startupProbe?.httpGet?.path).toBe('/health/live');
    expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe])
      expect(port(probe!.httpGet!.port)).toBe(config.app.workerHealthPort);
    const annotations = templateOf(deployment('app-worker')).metadata.annotations;
    expect(Number(annotations?.['prometheus.io/port'])).toBe(config.app.workerHealthPort);
  });

  it('opens, exposes and annotates exactly the ports the processes listen on', () => {
    const api = templateOf(deployment('app-api'));
    const worker = templateOf(deployment('app-worker'));
    const apiConfig = loadConfig(containerEnv(objects, api.spec.containers[0]));
    const workerConfig = loadConfig(containerEnv(objects, worker.spec.containers[0]));
    const named = (t: PodTemplate, name: string) =>
      t.spec.containers[0].ports!.find((p) => p.name === name)?.containerPort;
    const ingressPorts = (policy: string) =>
      (
        byName(objects, 'NetworkPolicy', policy).spec as {
          ingress: Array<{ ports: Array<{ port: number }> }>;
        }
      ).ingress
        .flatMap((rule) => rule.ports.map((p) => p.port))
        .sort();
    const servicePorts = (name: string) =>
      (byName(objects, 'Service', name).spec as { ports: Array<{ targetPort: string }> }).ports.map(
        (p) => p.targetPort,
      );

    expect(named(api, 'http')).toBe(apiConfig.http.port);
    expect(named(api, 'metrics')).toBe(apiConfig.metrics.port);
    expect(apiConfig.metrics.onApiPort).toBe(false);
    expect(ingressPorts('app-api-ingress')).toEqual(
      [apiConfig.http.port, apiConfig.metrics.port].sort(),
    );
    expect(servicePorts('app-api')).toEqual(['http', 'metrics']);
    expect(Number(api.metadata.annotations?.['prometheus.io/port'])).toBe(apiConfig.metrics.port);

    expect(named(worker, 'health')).toBe(workerConfig.app.workerHealthPort);
    expect(ingressPorts('app-worker-ingress')).toEqual([workerConfig.app.workerHealthPort]);
    expect(servicePorts('app-worker')).toEqual(['health']);
  });

  it('lets the api drain: preStop sleep, then SHUTDOWN_TIMEOUT_MS, all inside the grace period', () => {
    const template = templateOf(deployment('app-api'));
    const c = template.spec.containers[0];
    const config = loadConfig(containerEnv(objects, c));
    const preStop = preStopSleepSeconds(c);
    expect(preStop).toBeGreaterThanOrEqual(5);
    // Readiness must have failed (failureThreshold × period) before the preStop sleep ends.
    const probe = c.readinessProbe!;
    expect((probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3)).toBeLessThanOrEqual(
      preStop,
    );
    expect(config.app.shutdownReadinessDelayMs).toBeLessThan(config.app.shutdownTimeoutMs);
    expect(template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      preStop + config.app.shutdownTimeoutMs / 1000 + 5,
    );
  });

  it('lets the worker close its queues inside its grace period', () => {
    const template = templateOf(deployment('app-worker'));
    const config = loadConfig(containerEnv(objects, template.spec.containers[0]));
    expect(config.queue.closeTimeoutMs).toBeLessThan(config.app.shutdownTimeoutMs);
    expect(template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      config.app.shutdownTimeoutMs / 1000 + 5,
    );
  });

  it('runs as non-root with a read-only root filesystem, no privilege escalation, no capabilities', () => {
    for (const { obj, template } of pods) {
      const pod = template.spec;
      expect({ name: obj.metadata.name, ...pod.securityContext }).toMatchObject({
        name: obj.metadata.name,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
        });
        expect(c.securityContext?.capabilities?.drop).toContain('ALL');
        // The read-only root keeps Node's compile cache (os.tmpdir()) on an emptyDir.
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it('commits no secret value: no Secret object, credentials only through secretKeyRef', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const map of objects.filter((o) => o.kind === 'ConfigMap'))
      expect(Object.keys(map.data as object).filter((k) => SECRET_VARIABLES.test(k))).toEqual([]);
    for (const { c } of containers) {
      for (const entry of c.env ?? []) {
        if (SECRET_VARIABLES.test(entry.name)) {
          expect({ name: entry.name, secret: entry.valueFrom?.secretKeyRef?.name }).toEqual({
            name: entry.name,
            secret: SECRET_NAME,
          });
        }
      }
      expect(c.envFrom?.filter((from) => from.secretRef) ?? []).toEqual([]);
    }
  });

  it('selects only its own pods: Services, PDBs and NetworkPolicies match a workload', () => {
    const templates = pods.map(({ template }) => template);
    const selectors: Array<[string, Record<string, string>]> = [];
    for (const o of objects) {
      const spec = o.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a walk over several kinds' specs
      if (o.kind === 'Service') selectors.push([`Service/${o.metadata.name}`, spec.selector]);
      if (o.kind === 'PodDisruptionBudget')
        selectors.push([`PDB/${o.metadata.name}`, spec.selector.matchLabels]);
      if (o.kind === 'NetworkPolicy')
        selectors.push([`NetworkPolicy/${o.metadata.name}`, spec.podSelector.matchLabels]);
    }
    for (const [what, selector] of selectors) {
      expect({ what, name: selector['app.kubernetes.io/name'] }).toEqual({
        what,
        name: 'app-backend',
      });
      expect({ what, matches: templates.some((t) => selects(selector, t)) }).toEqual({
        what,
        matches: true,
      });
    }
  });

  it("keeps the app's labels out of NetworkPolicy peers (kube-dns is not ours)", () => {
    for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
      const text = JSON.stringify((policy.spec as { egress?: unknown }).egress ?? []);
      expect(text).not.toContain('app.kubernetes.io');
    }
  });

  it('autoscales both Deployments exactly once, and leaves their replica count to the autoscaler', () => {
    const targets = objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject')
      .map((o) => (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name)
      .sort();
    expect(targets).toEqual(['app-api', 'app-worker']);
    for (const name of targets) {
      expect((deployment(name).spec as { replicas?: number }).replicas).toBeUndefined();
      expect(
        objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name),
      ).toBe(true);
    }
  });

  it('applies the Job and everything it reads together (apply-phase=migrate)', () => {
    const job = byName(objects, 'Job', 'app-migrate');
    const spec = templateOf(job).spec;
    const needs: K8sObject[] = [
      job,
      byName(objects, 'ServiceAccount', spec.serviceAccountName!),
      ...spec.containers.flatMap((c) =>
        (c.envFrom ?? []).map((f) => byName(objects, 'ConfigMap', f.configMapRef!.name)),
      ),
    ];
    for (const obj of needs)
      expect({ obj: obj.metadata.name, phase: obj.metadata.labels?.['apply-phase'] }).toEqual({
        obj: obj.metadata.name,
        phase: 'migrate',
      });
  });
});
