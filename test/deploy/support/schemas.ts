import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './manifests.js';

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: object): { validate(): void };
}

/**
 * The kinds these manifests may use, with kubernetes-models' validators (the Kubernetes 1.3x
 * OpenAPI schemas, and KEDA's CRDs, compiled to ajv). A kind missing here fails the test: add it.
 */
const MODELS: ModelClass[] = [
  Namespace,
  ServiceAccount,
  ConfigMap,
  Service,
  Deployment,
  Job,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
  ScaledObject,
  TriggerAuthentication,
] as unknown as ModelClass[];

export function modelOf(obj: K8sObject): ModelClass | undefined {
  return MODELS.find((m) => m.apiVersion === obj.apiVersion && m.kind === obj.kind);
}

/** The schema validation kubernetes-models does: types, enums, required fields. */
export function validate(obj: K8sObject): void {
  const Model = modelOf(obj);
  if (!Model) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind}`);
  new Model(obj).validate();
}

/**
 * The fields of `obj` that the kind's schema does not define: what the API server would drop
 * (or, with `kubectl apply --validate=strict`, refuse), such as a misspelt `livenesProbe`.
 *
 * kubernetes-models ships its schemas compiled to ajv code, which reads every property the
 * schema defines (`data.spec`, `data.template`…) and iterates the keys of a map
 * (`additionalProperties`: labels, annotations, ConfigMap data). The object is given to that
 * code behind proxies that record both: an own key of a struct that the validator never read
 * is unknown. A struct whose keys were iterated is a map and accepts any key.
 */
export function unknownFields(obj: K8sObject): string[] {
  const Model = modelOf(obj);
  if (!Model) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind}`);
  const read = new Map<object, Set<PropertyKey>>();
  const enumerated = new Set<object>();
  const proxies = new WeakMap<object, object>();
  const watch = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const cached = proxies.get(value);
    if (cached) return cached;
    read.set(value, new Set());
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        read.get(target)!.add(key);
        return watch(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        read.get(target)!.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        enumerated.add(target);
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  const copy = structuredClone(obj);
  try {
    // The validator alone, on the proxy (a model instance would copy, and so read, every key).
    Model.prototype.validate.call(watch(copy));
  } catch {
    // Schema errors are validate()'s to report; only the keys read matter here.
  }
  const unknown: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || !read.has(value)) return;
    const isMap = enumerated.has(value) || Array.isArray(value);
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      if (!isMap && !read.get(value)!.has(key)) unknown.push(at);
      else walk(child, at);
    }
  };
  walk(copy, `${obj.kind}/${obj.metadata.name}`);
  return unknown;
}
