import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestUrl } from './request-url.js';

const targets = [
  '/',
  '/api/v1/namespaces/default/pods/p1',
  '/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vmi-1',
  '/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances?labelSelector=a%3Db,c!=d&limit=500',
  '/api/v1/pods?watch=1&resourceVersion=10&allowWatchBookmarks=true',
  '/api/v1/namespaces/ns/events?dryRun=All&dryRun=All&fieldManager=kubectl-client-side-apply',
  '/api/v1/namespaces/ns/configmaps/a?fieldSelector=metadata.name%3Da&x=a+b',
  '/api/v1/namespaces/ns/configmaps/a?',
  '/api/v1/namespaces/ns/configmaps/a?x=\'q\'',
  '/api/v1/namespaces/ns/configmaps/a?x=a b',
  '/api/v1/namespaces/ns/configmaps/a#frag',
  '/api/v1/namespaces/ns/configmaps/a?x=1#frag',
  '/api/v1/namespaces/ns/../kube-system/configmaps',
  '/api/v1/./namespaces',
  '/api/v1/%2e%2e/x',
  '/api/v1/%2E/x',
  '/api/v1/a%zz',
  '/api/v1/a%2Fb',
  '//evil.example/api',
  '/api\\v1',
  '/api/v1/a b',
  '/api/v1/a"b',
  '/api/v1/a{b}',
  '/api/v1/é',
  '/api/v1/a|b^c',
  "/api/v1/a'b",
  '/healthz?verbose',
];

test('requestUrl has the pathname, search and query parameters of new URL for any target', () => {
  for (const t of targets) {
    const want = new URL(t, 'https://localhost');
    const got = requestUrl(t);
    assert.equal(got.pathname, want.pathname, t);
    assert.equal(got.search, want.search, t);
    assert.deepEqual([...got.searchParams], [...want.searchParams], t);
  }
});

test('requestUrl takes plain targets without building a URL', () => {
  assert.ok(!(requestUrl('/api/v1/namespaces/ns/pods/p?watch=true') instanceof URL));
  assert.ok(requestUrl('/api/v1/../pods') instanceof URL);
});
