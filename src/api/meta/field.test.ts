import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath, fieldErrorMessage, invalid, required, notSupported, toCause } from './field.js';
import { invalidObject } from './status.js';

test('field paths render as Kubernetes prints them', () => {
  const p = FieldPath.root('spec', 'domain').child('devices', 'disks').index(1).child('name');
  assert.equal(p.toString(), 'spec.domain.devices.disks[1].name');
  assert.equal(FieldPath.root('metadata').child('labels').key('a/b').toString(), 'metadata.labels[a/b]');
});

test('field error messages match apimachinery wording', () => {
  assert.equal(fieldErrorMessage(invalid('spec.x', 'v', 'must be y')), 'spec.x: Invalid value: "v": must be y');
  assert.equal(fieldErrorMessage(required('metadata.name', 'name or generateName is required')), 'metadata.name: Required value: name or generateName is required');
  assert.equal(
    fieldErrorMessage(notSupported('spec.bus', 'ide', ['sata', 'virtio'])),
    'spec.bus: Unsupported value: "ide": supported values: "sata", "virtio"',
  );
  assert.deepEqual(toCause(invalid('spec.x', 3, 'bad')), { reason: 'FieldValueInvalid', message: 'Invalid value: 3: bad', field: 'spec.x' });
});

test('invalidObject builds a 422 Status with one cause per error', () => {
  const s = invalidObject({ group: '', kind: 'Pod' }, 'p', [required('spec.containers'), invalid('metadata.name', 'A', 'bad')]).toStatus();
  assert.equal(s.code, 422);
  assert.equal(s.reason, 'Invalid');
  assert.equal(s.message, 'Pod "p" is invalid: [spec.containers: Required value, metadata.name: Invalid value: "A": bad]');
  assert.equal(s.details?.causes?.length, 2);
});
