import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webhookConfigurations } from './webhook-config.js';
import { HANDLERS } from './handlers.js';

type Hook = { name: string; clientConfig: { url?: string; caBundle: string; service?: { path: string; port: number } }; rules: { operations: string[]; resources: string[] }[]; failurePolicy: string; sideEffects: string; admissionReviewVersions: string[] };

test('webhook configurations route each kind and operation to a served path, failing closed', () => {
  const [mutating, validating] = webhookConfigurations('Q0E=', { url: 'https://127.0.0.1:8443/' });
  assert.equal(mutating.kind, 'MutatingWebhookConfiguration');
  assert.equal(validating.kind, 'ValidatingWebhookConfiguration');
  const hooks = [...(mutating.webhooks as Hook[]), ...(validating.webhooks as Hook[])];
  for (const h of hooks) {
    assert.equal(h.failurePolicy, 'Fail', h.name);
    assert.equal(h.sideEffects, 'None', h.name);
    assert.deepEqual(h.admissionReviewVersions, ['v1'], h.name);
    assert.equal(h.clientConfig.caBundle, 'Q0E=', h.name);
    const path = new URL(h.clientConfig.url!).pathname;
    assert.ok(HANDLERS[path], `${h.name} points at ${path}, which virt-api serves`);
  }
  const rule = (name: string) => hooks.find((h) => h.name === name)!.rules[0]!;
  assert.deepEqual(rule('virtualmachineinstances-create-validator.kubevirt.io'), { operations: ['CREATE'], apiGroups: ['kubevirt.io'], apiVersions: ['v1', 'v1alpha3'], resources: ['virtualmachineinstances'], scope: '*' });
  assert.deepEqual(rule('virtualmachineinstances-update-validator.kubevirt.io').operations, ['UPDATE']);
  // virt-api's VMI mutator changes nothing on UPDATE (handlers.test.ts): updates skip the call.
  assert.deepEqual(rule('virtualmachineinstances-mutator.kubevirt.io').operations, ['CREATE']);
  assert.deepEqual(rule('virtualmachines-mutator.kubevirt.io').operations, ['CREATE', 'UPDATE']);
  assert.deepEqual(rule('migration-create-validator.kubevirt.io').resources, ['virtualmachineinstancemigrations']);
  const [, bySvc] = webhookConfigurations('Q0E=', { service: { namespace: 'kubevirt', name: 'virt-api' } });
  assert.deepEqual((bySvc.webhooks as Hook[])[0]!.clientConfig.service, { namespace: 'kubevirt', name: 'virt-api', path: '/virtualmachineinstances-validate-create', port: 443 });
});
