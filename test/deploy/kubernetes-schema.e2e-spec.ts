import { describe, expect, it } from '@jest/globals';
import { KUSTOMIZATIONS, kindOf, render, type K8sObject } from './support/manifests.js';
import { unknownFields, validate } from './support/schemas.js';

/**
 * `kubectl kustomize` renders each kustomization offline (no API server, so no
 * `--dry-run`); every object is then checked against the Kubernetes API schemas by
 * kubernetes-models, and by a strict pass that also refuses fields the schema does not know.
 */
describe.each(KUSTOMIZATIONS)('deploy/kubernetes/%s: rendered objects', (kustomization) => {
  const objects = render(kustomization);

  it('renders', () => {
    expect(objects.length).toBeGreaterThan(10);
  });

  it.each(objects.map((o) => [`${kindOf(o)} ${o.metadata.name}`, o] as const))(
    '%s matches the API schema, with no unknown field',
    (_name, obj) => {
      expect(() => validate(obj)).not.toThrow();
      expect(unknownFields(obj)).toEqual([]);
    },
  );
});

describe('the schema checks can fail', () => {
  const deployment = render('base').find((o) => o.kind === 'Deployment')!;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach deep into the spec
  type Editable = K8sObject & { spec: any };
  const edited = (edit: (d: Editable) => void): K8sObject => {
    const copy = structuredClone(deployment) as Editable;
    edit(copy);
    return copy;
  };

  it('refuses a wrong type or a missing required field', () => {
    expect(() => validate(edited((d) => (d.spec.template.spec.containers = 'api')))).toThrow();
    expect(() => validate(edited((d) => delete d.spec.selector))).toThrow();
  });

  it('finds misspelt and invented fields, at any depth, and accepts any label', () => {
    const typo = edited((d) => {
      const container = d.spec.template.spec.containers[0];
      container.livenesProbe = container.livenessProbe;
      container.resources.limits.memory = '1Gi';
      d.spec.template.spec.securityContext.runAsNonroot = true;
      d.spec.replica = 3;
      d.metadata.labels = { ...d.metadata.labels, 'any.example/label': 'fine' };
      d.spec.template.metadata.annotations['free-form'] = 'fine';
    });
    // The schema validation alone accepts these.
    expect(() => validate(typo)).not.toThrow();
    expect(unknownFields(typo).sort()).toEqual([
      'Deployment/app-api.spec.replica',
      'Deployment/app-api.spec.template.spec.containers[0].livenesProbe',
      'Deployment/app-api.spec.template.spec.securityContext.runAsNonroot',
    ]);
  });
});
