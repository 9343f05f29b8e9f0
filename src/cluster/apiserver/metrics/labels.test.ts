import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from '../http/request-info.js';
import { requestLabels } from './labels.js';

const cases: { name: string; method: string; path: string; contentType?: string; dryRun?: boolean; want: Partial<ReturnType<typeof requestLabels>> }[] = [
  { name: 'create is POST at resource scope', method: 'POST', path: '/api/v1/namespaces/ns/configmaps', want: { verb: 'POST', scope: 'resource', group: '', version: 'v1', resource: 'configmaps', subresource: '' } },
  { name: 'update is PUT', method: 'PUT', path: '/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances/a', want: { verb: 'PUT', scope: 'resource', group: 'kubevirt.io', resource: 'virtualmachineinstances' } },
  { name: 'status update', method: 'PUT', path: '/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances/a/status', want: { verb: 'PUT', subresource: 'status' } },
  { name: 'merge patch is PATCH', method: 'PATCH', path: '/api/v1/namespaces/ns/pods/p', contentType: 'application/merge-patch+json', want: { verb: 'PATCH' } },
  { name: 'apply patch is APPLY', method: 'PATCH', path: '/api/v1/namespaces/ns/pods/p', contentType: 'application/apply-patch+yaml; charset=utf-8', want: { verb: 'APPLY' } },
  { name: 'namespaced list', method: 'GET', path: '/api/v1/namespaces/ns/pods', want: { verb: 'LIST', scope: 'namespace' } },
  { name: 'cluster list', method: 'GET', path: '/api/v1/pods', want: { verb: 'LIST', scope: 'cluster' } },
  { name: 'get', method: 'GET', path: '/api/v1/namespaces/ns/pods/p', want: { verb: 'GET', scope: 'resource' } },
  { name: 'watch parameter', method: 'GET', path: '/api/v1/namespaces/ns/pods?watch=true', want: { verb: 'WATCH', scope: 'namespace' } },
  { name: 'legacy watch path', method: 'GET', path: '/api/v1/watch/namespaces/ns/pods', want: { verb: 'WATCH' } },
  { name: 'delete', method: 'DELETE', path: '/api/v1/namespaces/ns/pods/p', want: { verb: 'DELETE', scope: 'resource' } },
  { name: 'deletecollection', method: 'DELETE', path: '/api/v1/namespaces/ns/pods', want: { verb: 'DELETECOLLECTION', scope: 'namespace' } },
  { name: 'exec is CONNECT', method: 'POST', path: '/api/v1/namespaces/ns/pods/p/exec', want: { verb: 'CONNECT', subresource: 'exec' } },
  { name: 'dry run', method: 'POST', path: '/api/v1/namespaces/ns/configmaps?dryRun=All', dryRun: true, want: { dry_run: 'All' } },
  { name: 'non-resource', method: 'GET', path: '/metrics', want: { verb: 'GET', scope: '', resource: '', group: '', version: '', component: 'apiserver' } },
  { name: 'a namespace itself', method: 'GET', path: '/api/v1/namespaces/ns', want: { verb: 'GET', scope: 'resource', resource: 'namespaces' } },
];

for (const c of cases) {
  test(`request labels: ${c.name}`, () => {
    const url = new URL(c.path, 'https://localhost');
    const got = requestLabels(c.method, parseRequestInfo(c.method, url), c.contentType, c.dryRun ?? false);
    for (const [k, v] of Object.entries(c.want)) assert.equal(got[k as keyof typeof got], v, k);
  });
}

test('request labels: proxied requests carry component "aggregator"', () => {
  const info = parseRequestInfo('PUT', new URL('https://localhost/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachines/vm/start'));
  assert.equal(requestLabels('PUT', info, undefined, false, 'aggregator').component, 'aggregator');
});
