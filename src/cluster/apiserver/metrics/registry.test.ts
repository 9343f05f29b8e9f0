import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from '../http/request-info.js';
import { requestLabels } from './labels.js';
import { requestCountsByVerb } from './read.js';
import { RequestMetrics, durationBuckets } from './registry.js';

const labels = (method: string, path: string, contentType?: string) => requestLabels(method, parseRequestInfo(method, new URL(path, 'https://localhost')), contentType, false);

test('counts requests per label set and code, in Prometheus text format', () => {
  const m = new RequestMetrics();
  m.observe(labels('POST', '/api/v1/namespaces/a/configmaps'), 201, 0.001);
  m.observe(labels('POST', '/api/v1/namespaces/b/configmaps'), 201, 0.002);
  m.observe(labels('POST', '/api/v1/namespaces/b/configmaps'), 409, 0.002);
  const text = m.render();
  assert.match(text, /^# TYPE apiserver_request_total counter$/m);
  assert.match(
    text,
    /^apiserver_request_total\{verb="POST",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver",code="201"\} 2$/m,
  );
  assert.match(text, /^apiserver_request_total\{.*code="409"\} 1$/m);
});

test('the duration histogram is cumulative with a +Inf bucket, sum and count', () => {
  const m = new RequestMetrics();
  const l = labels('GET', '/api/v1/namespaces/a/pods/p');
  for (const s of [0.001, 0.03, 0.03, 0.7, 100]) m.observe(l, 200, s);
  const text = m.render();
  const bucket = (le: string) => Number(new RegExp(`^apiserver_request_duration_seconds_bucket\\{.*le="${le.replace('+', '\\+')}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  assert.equal(bucket('0.005'), 1);
  assert.equal(bucket('0.025'), 1);
  assert.equal(bucket('0.05'), 3);
  assert.equal(bucket('0.8'), 4);
  assert.equal(bucket('60'), 4);
  assert.equal(bucket('+Inf'), 5);
  assert.equal((text.match(/_bucket\{/g) ?? []).length, durationBuckets.length + 1);
  assert.match(text, /^apiserver_request_duration_seconds_count\{[^}]*\} 5$/m);
  assert.match(text, /^apiserver_request_duration_seconds_sum\{[^}]*\} 100\.76/m);
  assert.doesNotMatch(text, /duration_seconds_bucket\{[^}]*code=/);
});

test('label values are escaped', () => {
  const m = new RequestMetrics();
  m.observe({ ...labels('GET', '/metrics'), resource: 'a"b\\c\nd' }, 200, 0);
  assert.match(m.render(), /resource="a\\"b\\\\c\\nd"/);
});

test('requestCountsByVerb sums one resource per verb, optionally one subresource', () => {
  const m = new RequestMetrics();
  const vmi = '/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances';
  m.observe(labels('POST', vmi), 201, 0.01);
  m.observe(labels('PATCH', `${vmi}/a`, 'application/json-patch+json'), 200, 0.01);
  m.observe(labels('PATCH', `${vmi}/a`, 'application/json-patch+json'), 409, 0.01);
  m.observe(labels('PUT', `${vmi}/a/status`), 200, 0.01);
  m.observe(labels('PUT', `${vmi}/a`), 200, 0.01);
  m.observe(labels('PATCH', `${vmi}/a`, 'application/apply-patch+yaml'), 200, 0.01);
  m.observe(labels('PUT', '/apis/kubevirt.io/v1/namespaces/ns/virtualmachines/a'), 200, 0.01);
  const text = m.render();
  assert.deepEqual(requestCountsByVerb(text, { group: 'kubevirt.io', resource: 'virtualmachineinstances' }), { POST: 1, PATCH: 2, PUT: 2, APPLY: 1 });
  assert.deepEqual(requestCountsByVerb(text, { group: 'kubevirt.io', resource: 'virtualmachineinstances', subresource: 'status' }), { PUT: 1 });
  assert.deepEqual(requestCountsByVerb(text, { group: 'kubevirt.io', resource: 'virtualmachineinstances', subresource: '' }), { POST: 1, PATCH: 2, PUT: 1, APPLY: 1 });
  assert.deepEqual(requestCountsByVerb(text, { group: '', resource: 'pods' }), {});
});
