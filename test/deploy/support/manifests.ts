import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../../support/app-process.js';

export const KUBERNETES_DIR = join(ROOT, 'deploy', 'kubernetes');

/** Every kustomization that is meant to be applied (or built upon). */
export const KUSTOMIZATIONS = ['base', 'overlays/production', 'overlays/keda'] as const;

/** A rendered Kubernetes object, loosely typed: the schema tests establish its shape. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** `kubectl kustomize DIR`, offline, parsed: what `kubectl apply -k DIR` would send. */
export function render(kustomization: string): K8sObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', join(KUBERNETES_DIR, kustomization)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJSON() as K8sObject;
  });
}

export const kindOf = (obj: K8sObject): string => `${obj.apiVersion}/${obj.kind}`;

// The parts of the workload API the invariants read (the schema tests check the rest).
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  volumes?: Array<{ name: string; emptyDir?: object }>;
}
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** Deployments and Jobs: the objects that run pods. */
export function workloads(objects: K8sObject[]): Array<{ obj: K8sObject; template: PodTemplate }> {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((obj) => ({ obj, template: (obj.spec as { template: PodTemplate }).template }));
}

export function byName(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered output`);
  return found;
}

/** Stand-ins for the operator's Secret, in the formats the config schema wants. */
const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://app:stand-in@postgres.example:5432/app',
  REDIS_URL: 'redis://redis.example:6379',
  SMTP_URL: 'smtp://mail.example:587',
};

/**
 * The environment a container starts with: its ConfigMaps (envFrom), then its own `env`
 * (which wins, as in Kubernetes). Required secret references become stand-in values; optional
 * ones are left out, as when the operator did not set them.
 */
export function containerEnv(objects: K8sObject[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (!from.configMapRef) continue;
    const map = byName(objects, 'ConfigMap', from.configMapRef.name);
    Object.assign(env, map.data as Record<string, string>);
  }
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (ref && !ref.optional) env[entry.name] = SECRET_STAND_INS[ref.key] ?? 's'.repeat(48);
  }
  return env;
}

/** Quantity → MiB (Mi and Gi, the units these manifests use). */
export function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`memory quantity ${quantity}: use Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

/** The value of `--max-old-space-size=N` in a command, in MiB, or null. */
export function heapCap(command: string[] = []): number | null {
  const flag = command.find((part) => part.startsWith('--max-old-space-size='));
  return flag ? Number(flag.split('=')[1]) : null;
}
