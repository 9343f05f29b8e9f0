import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/index.js';
import { rulesMatcher } from './admission-wiring.js';
import type { AdmissionRequestInfo } from './modules.js';
import type { ServedResource } from './registry/registry.js';

const served = (group: string, version: string, plural: string): ServedResource =>
  ({ info: { group, version, plural, kind: 'K', namespaced: true, subresources: ['status'], verbs: [] } }) as unknown as ServedResource;

const req = (r: ServedResource, operation: AdmissionRequestInfo['operation'], namespace = 'ns', subresource?: string, name = 'x'): AdmissionRequestInfo => ({
  resource: r,
  operation,
  subresource,
  namespace,
  name,
  user: { name: 'u', groups: [] },
  dryRun: false,
  phase: 'mutating',
});

const config = (rules: unknown[]): KubeObject => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'c' }, webhooks: [{ name: 'w.example.com', rules }] });

test('rulesMatcher: a request reaches the dispatcher only when some webhook rule matches it', () => {
  const vmis = served('kubevirt.io', 'v1', 'virtualmachineinstances');
  const events = served('', 'v1', 'events');
  const namespaces = served('', 'v1', 'namespaces');
  const hooks = Object.freeze([
    config([{ operations: ['CREATE'], apiGroups: ['kubevirt.io'], apiVersions: ['*'], resources: ['virtualmachineinstances'], scope: 'Namespaced' }]),
    config([{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces/status'] }]),
  ]);
  const cases: [string, AdmissionRequestInfo, boolean][] = [
    ['vmi create', req(vmis, 'CREATE'), true],
    ['vmi update', req(vmis, 'UPDATE'), false],
    ['vmi status create', req(vmis, 'CREATE', 'ns', 'status'), false],
    ['vmi without namespace (scope Namespaced)', req(vmis, 'CREATE', ''), false],
    ['event create', req(events, 'CREATE'), false],
    ['namespace status update', req(namespaces, 'UPDATE', '', 'status', 'n'), true],
    ['namespace update', req(namespaces, 'UPDATE', '', undefined, 'n'), false],
  ];
  const matches = rulesMatcher();
  for (let round = 0; round < 2; round++) for (const [name, r, want] of cases) assert.equal(matches(hooks, r), want, `${name} (round ${round})`);
  assert.equal(matches([], req(vmis, 'CREATE')), false, 'no configuration');
  // A new snapshot (configurations changed) is looked at afresh.
  const everything = [config([{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }])];
  assert.equal(matches(everything, req(events, 'CREATE')), true);
  assert.equal(matches(everything, req(vmis, 'UPDATE', 'ns', 'status')), false, '"*" matches main resources only');
  const webhookConfigs = served('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations');
  assert.equal(matches(everything, req(webhookConfigs, 'CREATE', '')), false, 'webhook configurations are exempt');
});
