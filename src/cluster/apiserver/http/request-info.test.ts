import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

const cases: [string, string, Partial<ReturnType<typeof parseRequestInfo>>][] = [
  ['GET', '/api/v1/namespaces/ns1/pods', { verb: 'list', apiGroup: '', apiVersion: 'v1', namespace: 'ns1', resource: 'pods', name: '' }],
  ['GET', '/api/v1/namespaces/ns1/pods/p1', { verb: 'get', namespace: 'ns1', resource: 'pods', name: 'p1' }],
  ['PUT', '/api/v1/namespaces/ns1/pods/p1/status', { verb: 'update', resource: 'pods', name: 'p1', subresource: 'status' }],
  ['GET', '/api/v1/pods?watch=true', { verb: 'watch', resource: 'pods', namespace: '' }],
  ['GET', '/api/v1/watch/namespaces/ns1/pods', { verb: 'watch', resource: 'pods', namespace: 'ns1' }],
  ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: '', name: '' }],
  ['DELETE', '/api/v1/namespaces/ns1', { verb: 'delete', resource: 'namespaces', name: 'ns1', namespace: 'ns1' }],
  ['PUT', '/api/v1/namespaces/ns1/finalize', { verb: 'update', resource: 'namespaces', name: 'ns1', subresource: 'finalize' }],
  ['DELETE', '/apis/apps/v1/namespaces/ns1/deployments', { verb: 'deletecollection', apiGroup: 'apps', resource: 'deployments' }],
  ['POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }],
  ['PATCH', '/apis/kubevirt.io/v1/namespaces/d/virtualmachines/vm1', { verb: 'patch', resource: 'virtualmachines', name: 'vm1' }],
  ['GET', '/api/v1/nodes/n1/proxy/a/b', { verb: 'get', resource: 'nodes', name: 'n1', subresource: 'proxy', rest: ['a', 'b'] }],
];

test('resource requests are parsed as kube-apiserver does', () => {
  for (const [method, path, want] of cases) {
    const got = parseRequestInfo(method, new URL(path, 'https://x'));
    assert.equal(got.isResourceRequest, true, path);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${method} ${path}: ${k}`);
  }
});

test('discovery and other paths are non-resource requests', () => {
  for (const p of ['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/healthz', '/openapi/v2', '/version']) {
    const got = parseRequestInfo('GET', new URL(p, 'https://x'));
    assert.equal(got.isResourceRequest, false, p);
    assert.equal(got.verb, 'get');
  }
});
