import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/meta/index.js';
import type { ResourceInfo } from '../contracts.js';
import { rememberJson } from '../store/json-memo.js';
import { WebhookCallError, buildReview, denialError, parseReviewResponse, reviewText, reviewVersionFor } from './review.js';

function info(group: string, version: string, plural: string, kind: string): ResourceInfo {
  return { group, version, kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [], verbs: [], subresources: [] };
}
const vmiV1 = info('kubevirt.io', 'v1', 'virtualmachineinstances', 'VirtualMachineInstance');
const vmiAlpha = info('kubevirt.io', 'v1alpha3', 'virtualmachineinstances', 'VirtualMachineInstance');
const user = { name: 'alice', uid: 'u1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['x'] } };

test('buildReview carries the request as admission.k8s.io/v1 defines it, converted for an equivalent match', () => {
  const object = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm', namespace: 'ns' } };
  const review = buildReview('v1', 'uid-1', { operation: 'CREATE', resource: vmiV1, namespace: 'ns', name: 'vm', object, user, dryRun: true, options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' } }, vmiAlpha);
  assert.deepEqual(review, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      kind: { group: 'kubevirt.io', version: 'v1alpha3', kind: 'VirtualMachineInstance' },
      resource: { group: 'kubevirt.io', version: 'v1alpha3', resource: 'virtualmachineinstances' },
      requestKind: { group: 'kubevirt.io', version: 'v1', kind: 'VirtualMachineInstance' },
      requestResource: { group: 'kubevirt.io', version: 'v1', resource: 'virtualmachineinstances' },
      name: 'vm',
      namespace: 'ns',
      operation: 'CREATE',
      userInfo: { username: 'alice', uid: 'u1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['x'] } },
      object: { ...object, apiVersion: 'kubevirt.io/v1alpha3' },
      oldObject: null,
      dryRun: true,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
  const pods = info('', 'v1', 'pods', 'Pod');
  const binding = buildReview('v1beta1', 'u', { operation: 'CREATE', resource: pods, subresource: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, namespace: 'ns', name: 'p', user }, pods);
  const req = binding.request as Record<string, unknown>;
  assert.equal(binding.apiVersion, 'admission.k8s.io/v1beta1');
  assert.deepEqual(req.kind, { group: '', version: 'v1', kind: 'Binding' });
  assert.equal(req.subResource, 'binding');
  assert.equal(req.requestSubResource, 'binding');
});

test('reviewText is the JSON of buildReview, objects serialised once per texts cache and not at another version', () => {
  const object = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm', namespace: 'ns', labels: { a: 'b' } }, spec: { x: [1, 'two', null] } };
  const oldObject = { ...object, metadata: { ...object.metadata, resourceVersion: '7' } };
  const pods = info('', 'v1', 'pods', 'Pod');
  const cases: [string, Parameters<typeof buildReview>[2], ResourceInfo][] = [
    ['create', { operation: 'CREATE', resource: vmiV1, namespace: 'ns', name: 'vm', object, user }, vmiV1],
    ['create, dry run, options', { operation: 'CREATE', resource: vmiV1, namespace: 'ns', name: 'vm', object, user, dryRun: true, options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'm' } }, vmiV1],
    ['update at an equivalent version', { operation: 'UPDATE', resource: vmiV1, namespace: 'ns', name: 'vm', object, oldObject, user }, vmiAlpha],
    ['update status', { operation: 'UPDATE', resource: vmiV1, subresource: 'status', namespace: 'ns', name: 'vm', object, oldObject, user, dryRun: false }, vmiV1],
    ['delete', { operation: 'DELETE', resource: vmiV1, namespace: 'ns', name: 'vm', oldObject, user }, vmiV1],
    ['binding', { operation: 'CREATE', resource: pods, subresource: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, namespace: 'ns', name: 'p', user }, pods],
    ['connect, cluster-scoped', { operation: 'CONNECT', resource: info('', 'v1', 'nodes', 'Node'), name: 'n', user }, info('', 'v1', 'nodes', 'Node')],
  ];
  for (const [name, attrs, matched] of cases) {
    const texts = new WeakMap<object, string>();
    assert.equal(reviewText('v1', 'u-1', attrs, matched, texts), JSON.stringify(buildReview('v1', 'u-1', attrs, matched)), name);
    assert.equal(reviewText('v1beta1', 'u-2', attrs, matched), JSON.stringify(buildReview('v1beta1', 'u-2', attrs, matched)), `${name} (no cache)`);
  }
  // A kept text stands for its object (at the object's own version only).
  const texts = new WeakMap<object, string>([[object, '{"kept":true}']]);
  const attrs = { operation: 'UPDATE' as const, resource: vmiV1, namespace: 'ns', name: 'vm', object, oldObject, user };
  assert.deepEqual((JSON.parse(reviewText('v1', 'u', attrs, vmiV1, texts)) as { request: { object: unknown } }).request.object, { kept: true });
  assert.equal(texts.get(oldObject), JSON.stringify(oldObject));
  // The store's JSON of an object (an update's old object) is used as it is.
  const stored = { ...oldObject };
  rememberJson(stored, '{"stored":true}');
  assert.deepEqual((JSON.parse(reviewText('v1', 'u', { ...attrs, oldObject: stored }, vmiV1)) as { request: { oldObject: unknown } }).request.oldObject, { stored: true });
  assert.equal((JSON.parse(reviewText('v1', 'u', attrs, vmiAlpha, texts)) as { request: { object: { apiVersion: string } } }).request.object.apiVersion, 'kubevirt.io/v1alpha3');
});

test('parseReviewResponse checks kind, uid and patch fields as kube-apiserver does', () => {
  const ok = (response: Record<string, unknown>, apiVersion = 'admission.k8s.io/v1') => ({ apiVersion, kind: 'AdmissionReview', response });
  const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }])).toString('base64');
  const expect = { uid: 'u1', version: 'v1' as const, mutating: true };
  assert.deepEqual(parseReviewResponse('w', ok({ uid: 'u1', allowed: true }), expect), { allowed: true, warnings: [] });
  assert.deepEqual(parseReviewResponse('w', ok({ uid: 'u1', allowed: true, patchType: 'JSONPatch', patch, warnings: ['careful'] }), expect), {
    allowed: true,
    patch: [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }],
    warnings: ['careful'],
  });
  assert.deepEqual(parseReviewResponse('w', ok({ uid: 'u1', allowed: false, status: { code: 403, message: 'no' } }), expect), {
    allowed: false,
    status: { code: 403, message: 'no' },
    warnings: [],
  });
  const invalid: [unknown, string, boolean?][] = [
    [ok({ uid: 'other', allowed: true }), 'expected response.uid="u1", got "other"'],
    [ok({ uid: 'u1', allowed: true }, 'admission.k8s.io/v1beta1'), 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview'],
    [{ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, 'webhook response was absent'],
    [ok({ uid: 'u1', allowed: true, patch }), 'webhook returned response.patch but not response.patchType'],
    [ok({ uid: 'u1', allowed: true, patchType: 'JSONPatch' }), 'webhook returned response.patchType but not response.patch'],
    [ok({ uid: 'u1', allowed: true, patchType: 'Merge', patch }), 'webhook returned invalid response.patchType of "Merge"'],
    [ok({ uid: 'u1', allowed: true, patchType: 'JSONPatch', patch }), 'validating webhooks may not return patches', false],
  ];
  for (const [body, why, mutating] of invalid) {
    assert.throws(
      () => parseReviewResponse('hook.example.com', body, { ...expect, mutating: mutating ?? true }),
      (err: unknown) => err instanceof WebhookCallError && err.message === `failed calling webhook "hook.example.com": received invalid webhook response: ${why}`,
      why,
    );
  }
  assert.throws(() => reviewVersionFor('w', ['v2']), WebhookCallError);
  assert.equal(reviewVersionFor('w', ['v2', 'v1beta1', 'v1']), 'v1beta1');
});

test('denialError keeps the webhook status, defaults the code and prefixes the message', () => {
  const causes = [{ reason: 'FieldValueInvalid' as const, message: 'bad bus', field: 'spec.domain.devices.disks[0].disk.bus' }];
  const cases: { status: Parameters<typeof denialError>[1]; code: number; reason: string; message: string }[] = [
    {
      status: { code: 422, reason: 'Invalid', message: 'spec.domain.devices.disks[0].disk.bus: bad bus', details: { causes } },
      code: 422,
      reason: 'Invalid',
      message: 'admission webhook "virtualmachineinstances-create-validator.kubevirt.io" denied the request: spec.domain.devices.disks[0].disk.bus: bad bus',
    },
    { status: { message: 'nope' }, code: 400, reason: '', message: 'admission webhook "virtualmachineinstances-create-validator.kubevirt.io" denied the request: nope' },
    { status: { code: 200, reason: 'Forbidden' }, code: 400, reason: 'Forbidden', message: 'admission webhook "virtualmachineinstances-create-validator.kubevirt.io" denied the request: Forbidden' },
    { status: undefined, code: 400, reason: '', message: 'admission webhook "virtualmachineinstances-create-validator.kubevirt.io" denied the request without explanation' },
  ];
  for (const c of cases) {
    const err = denialError('virtualmachineinstances-create-validator.kubevirt.io', c.status);
    assert.ok(err instanceof StatusError);
    assert.deepEqual([err.code, err.reason, err.message], [c.code, c.reason, c.message]);
  }
  assert.deepEqual(denialError('w', { code: 422, details: { causes } }).toStatus().details?.causes, causes);
});
