import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';
import { knownJson, rememberJson, toJson } from '../store/json-memo.js';
import { asServedOnce, asStored } from './context.js';

const configMaps = { info: { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps' }, storageVersion: 'v1' } as unknown as ServedResource;

test('a served copy reuses the stored JSON only when it would serialise the same', () => {
  const cases: [string, KubeObject, boolean][] = [
    ['stored form (apiVersion and kind first)', asStored(configMaps, { metadata: { name: 'a' }, data: { k: 'v' } }), true],
    ['kind before apiVersion', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a' } }, false],
    ['type meta last', { metadata: { name: 'a' }, apiVersion: 'v1', kind: 'ConfigMap' }, false],
    ['another version', { apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'a' } }, false],
  ];
  for (const [name, stored, reused] of cases) {
    rememberJson(stored, JSON.stringify(stored));
    const served = asServedOnce(configMaps, stored);
    assert.equal(knownJson(served) !== undefined, reused, name);
    assert.equal(toJson(served), JSON.stringify(served), name);
  }
});

test('asStored puts apiVersion and kind first, at the storage version', () => {
  const out = asStored(configMaps, { metadata: { name: 'a' }, apiVersion: 'v1', kind: 'ConfigMap', data: {} });
  assert.deepEqual(Object.keys(out), ['apiVersion', 'kind', 'metadata', 'data']);
});
