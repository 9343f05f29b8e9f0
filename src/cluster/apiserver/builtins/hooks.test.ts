import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBuiltin } from './catalogue.js';
import { builtinHooks, builtinOpenApiV3Documents, builtinServed } from './hooks.js';
import { builtinOpenApiV3 } from './openapi/index.js';

const info = (group: string, plural: string) => {
  const i = findBuiltin(group, 'v1', plural);
  assert.ok(i, plural);
  return i;
};

test('create preparation resets status the way registry strategies do', () => {
  const pods = builtinHooks(info('', 'pods'));
  const pod = { metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'i:1' }] }, status: { phase: 'Running', podIP: '1.2.3.4' } };
  pods.prepareForCreate(pod);
  pods.defaults(pod);
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  const nodes = builtinHooks(info('', 'nodes'));
  const node = { metadata: { name: 'n' }, status: { capacity: { cpu: '2' } } };
  nodes.prepareForCreate(node);
  assert.deepEqual(node.status, { capacity: { cpu: '2' } }, 'the kubelet registers nodes with their status');
  const cms = builtinHooks(info('', 'configmaps'));
  const cm = { metadata: { name: 'c' }, data: { a: 'b' }, status: 'kept: no status subresource' };
  cms.prepareForCreate(cm);
  assert.equal(cm.status, 'kept: no status subresource');
});

test('the validate hook leaves metadata to the core', () => {
  const hooks = builtinHooks(info('', 'pods'));
  assert.deepEqual(hooks.validate({ metadata: {}, spec: { containers: [] } }, undefined).map((e) => e.field), ['spec.containers']);
});

test('the printer hook prints with the injected clock', () => {
  const now = Date.parse('2024-01-01T01:00:00Z');
  const hooks = builtinHooks(info('', 'namespaces'), () => now);
  assert.deepEqual(hooks.printer.columns.map((c) => c.name), ['Name', 'Status', 'Age']);
  assert.deepEqual(hooks.printer.cells({ metadata: { name: 'ns', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } }), ['ns', 'Active', '60m']);
  assert.equal(builtinServed().length > 30, true);
});

test('v3 documents keyed by group-version can be extended without touching the cache', () => {
  const docs = builtinOpenApiV3Documents();
  assert.ok(docs.v1 && docs['apps/v1'] && docs['rbac.authorization.k8s.io/v1']);
  (docs['apps/v1'].paths as Record<string, unknown>)['/apis/apps/v1/x'] = {};
  ((docs['apps/v1'].components as { schemas: Record<string, unknown> }).schemas).added = {};
  const cached = builtinOpenApiV3('apps/v1')!;
  assert.equal((cached.paths as Record<string, unknown>)['/apis/apps/v1/x'], undefined);
  assert.equal((cached.components as { schemas: Record<string, unknown> }).schemas.added, undefined);
});
