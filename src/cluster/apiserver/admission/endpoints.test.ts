import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCa } from '../../pki/index.js';
import { WebhookEndpoints } from './endpoints.js';

test('WebhookEndpoints: one plan per clientConfig object, one pool per address and trust', async () => {
  const [a, b] = await Promise.all([createCa('a'), createCa('b')]);
  const bundle = (pem: string) => Buffer.from(pem).toString('base64');
  const e = new WebhookEndpoints();
  try {
    const url1 = { url: 'https://127.0.0.1:8443/one', caBundle: bundle(a.certPem) };
    const url2 = { url: 'https://127.0.0.1:8443/two?x=1', caBundle: bundle(a.certPem) };
    const otherCa = { url: 'https://127.0.0.1:8443/one', caBundle: bundle(b.certPem) };
    const svc = { service: { namespace: 'ns', name: 'hook', path: 'p' }, caBundle: bundle(a.certPem) };
    const p1 = await e.plan(url1, 10);
    assert.equal(await e.plan(url1, 10), p1, 'cached per object');
    assert.notEqual(await e.plan(url1, 5), p1, 'another timeout, another query string');
    assert.deepEqual(p1.fixed, { host: '127.0.0.1', port: 8443, servername: '127.0.0.1', path: '/one?timeout=10s', url: 'https://127.0.0.1:8443/one?timeout=10s' });
    const p2 = await e.plan(url2, 10);
    assert.equal(p2.fixed?.path, '/two?x=1&timeout=10s');
    assert.equal(p2.secureContext, p1.secureContext, 'same CA bundle, same context');
    const p3 = await e.plan(otherCa, 10);
    assert.notEqual(p3.trust, p1.trust);
    const t1 = await e.target(p1, () => Promise.reject(new Error('not a service')));
    assert.equal(e.pool(p2, (await e.target(p2, () => Promise.reject(new Error('no'))))), e.pool(p1, t1), 'same address and trust share a pool');
    assert.notEqual(e.pool(p3, t1), e.pool(p1, t1), 'another trust, another pool');
    const ps = await e.plan(svc, 10);
    assert.equal(ps.fixed, undefined);
    const ts = await e.target(ps, (ns, name, port) => Promise.resolve({ host: `${name}.${ns}.ip`, port: port + 1 }));
    assert.deepEqual(ts, { host: 'hook.ns.ip', port: 444, servername: 'hook.ns.svc', path: '/p?timeout=10s', url: 'https://hook.ns.svc:443/p?timeout=10s' });
    await assert.rejects(e.plan({ url: 'not a url' }, 10), /Invalid URL/);
  } finally {
    e.close();
  }
});
