import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import { resourceInfo } from '../selectors/test-fixtures.js';
import { createPatchModule, schemaFromOpenAPIV3 } from './index.js';

const crdSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        disks: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'bus'],
          items: { type: 'object', properties: { name: { type: 'string' }, bus: { type: 'string', default: 'virtio' }, size: { type: 'string' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        args: { type: 'array', items: { type: 'string' } },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { a: { type: 'string' } } },
        env: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
};

test('CRD schemas drive server-side apply of custom resources', () => {
  const info = resourceInfo('example.com', 'Machine');
  const patches = createPatchModule({ now: () => new Date(0), schemaOf: () => schemaFromOpenAPIV3(crdSchema) });
  const cr = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Machine', metadata: { name: 'm' }, spec });
  const { object } = patches.serverSideApply(
    info,
    undefined,
    cr({ disks: [{ name: 'root', size: '1Gi' }], tags: ['a'], args: ['x'], selector: { a: 'b' }, env: { K: 'v' } }),
    { manager: 'one', force: false },
  );
  assert.deepEqual(object.metadata?.managedFields?.[0]?.fieldsV1, {
    'f:spec': {
      'f:args': {},
      'f:disks': { 'k:{"bus":"virtio","name":"root"}': { '.': {}, 'f:name': {}, 'f:size': {} } },
      'f:env': { 'f:K': {} },
      'f:selector': {},
      'f:tags': { 'v:"a"': {} },
    },
  });
  const two = patches.serverSideApply(info, object, cr({ disks: [{ name: 'data', bus: 'sata' }], tags: ['b'] }), { manager: 'two', force: false }).object;
  const spec = two.spec as { disks: { name: string }[]; tags: string[] };
  assert.deepEqual(spec.disks.map((d) => d.name), ['root', 'data']);
  assert.deepEqual(spec.tags, ['a', 'b']);
});
