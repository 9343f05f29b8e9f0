import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import { resourceInfo as info } from './test-fixtures.js';
import { escapeValue, parseFieldSelector } from './fields.js';
import { selectors, convertFieldLabel, parseFieldSelectorFor, supportedFieldSelectors } from './index.js';

test('field selectors parse, print and match as fields.ParseSelector does', () => {
  const table: [string, string, Record<string, string>, boolean][] = [
    ['', '', {}, true],
    ['metadata.name=a', 'metadata.name=a', { 'metadata.name': 'a' }, true],
    ['metadata.name==a', 'metadata.name=a', { 'metadata.name': 'b' }, false],
    ['status.phase!=Running', 'status.phase!=Running', { 'status.phase': 'Pending' }, true],
    ['status.phase!=Running', 'status.phase!=Running', { 'status.phase': 'Running' }, false],
    ['spec.nodeName=', 'spec.nodeName=', {}, true],
    ['spec.nodeName!=', 'spec.nodeName!=', { 'spec.nodeName': 'n1' }, true],
    ['b=2,a=1', 'a=1,b=2', { a: '1', b: '2' }, true],
    ['b=2,a=1', 'a=1,b=2', { a: '1', b: '3' }, false],
    ['a=x\\,y', 'a=x\\,y', { a: 'x,y' }, true],
    ['a=x\\=y\\\\z', 'a=x\\=y\\\\z', { a: 'x=y\\z' }, true],
    ['a=1,', 'a=1', { a: '1' }, true],
    ['b!=2,a=1', 'a=1,b!=2', { a: '1', b: '2' }, false],
    ['b!=2,a=1', 'a=1,b!=2', { a: '1' }, true],
    ['b!=2,a=1', 'a=1,b!=2', { b: '3' }, false],
  ];
  for (const [input, text, fields, want] of table) {
    const m = parseFieldSelector(input);
    assert.equal(m.toString(), text, input);
    assert.equal(m.matches(fields), want, `${input} ~ ${JSON.stringify(fields)}`);
  }
  assert.deepEqual(parseFieldSelector('spec.nodeName=a,status.phase!=b,spec.nodeName!=c').fieldNames, ['spec.nodeName', 'status.phase']);
  assert.equal(parseFieldSelector('').empty, true);
  assert.equal(escapeValue('a,b=c\\'), 'a\\,b\\=c\\\\');
});

test('field selector syntax errors are 400s worded as apimachinery words them', () => {
  const table: [string, string][] = [
    ['abc', "invalid selector: 'abc'; can't understand 'abc'"],
    ['a=1,b', "invalid selector: 'a=1,b'; can't understand 'b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [input, msg] of table) {
    assert.throws(
      () => parseFieldSelector(input),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === msg,
      input,
    );
  }
});

test('selectable fields of a pod are computed as kube-apiserver computes them', () => {
  const pod: KubeObject = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', restartPolicy: 'Never', schedulerName: 'default-scheduler', serviceAccountName: 'sa', hostNetwork: true },
    status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.9' }, { ip: 'fd00::9' }], nominatedNodeName: 'n2' },
  };
  assert.deepEqual(selectors.selectableFields(info('', 'Pod'), pod), {
    'metadata.name': 'p',
    'metadata.namespace': 'ns',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Never',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'sa',
    'spec.hostNetwork': 'true',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.9',
    'status.nominatedNodeName': 'n2',
  });
  const bare = selectors.selectableFields(info('', 'Pod'), { metadata: { name: 'q' } });
  assert.equal(bare['spec.hostNetwork'], 'false');
  assert.equal(bare['spec.nodeName'], '');
  const m = selectors.parseFieldSelector('spec.nodeName=n1,status.phase!=Succeeded');
  assert.equal(m.matches(selectors.selectableFields(info('', 'Pod'), pod)), true);
});

test('selectable fields per kind: events, secrets, nodes, namespaces, workloads, CRDs', () => {
  const ev: KubeObject = {
    metadata: { name: 'e', namespace: 'ns' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec' },
    reason: 'Started',
    type: 'Normal',
    source: { component: 'kubelet' },
    reportingComponent: 'kubelet-x',
  };
  const evf = selectors.selectableFields(info('', 'Event'), ev);
  assert.equal(evf['involvedObject.uid'], 'u1');
  assert.equal(evf['involvedObject.fieldPath'], 'spec');
  assert.equal(evf.source, 'kubelet');
  assert.equal(evf.reportingComponent, 'kubelet-x');
  assert.equal(selectors.selectableFields(info('', 'Event'), { ...ev, source: {} }).source, 'kubelet-x');
  const ev2 = selectors.selectableFields(info('events.k8s.io', 'Event'), { regarding: { kind: 'Pod' }, reportingController: 'c' });
  assert.equal(ev2['regarding.kind'], 'Pod');
  assert.equal(ev2.reportingController, 'c');
  assert.equal(selectors.selectableFields(info('', 'Secret'), { type: 'Opaque' }).type, 'Opaque');
  assert.equal(selectors.selectableFields(info('', 'Node'), { spec: { unschedulable: true } })['spec.unschedulable'], 'true');
  assert.equal(selectors.selectableFields(info('', 'Node'), {})['spec.unschedulable'], 'false');
  assert.equal(selectors.selectableFields(info('', 'Namespace'), { status: { phase: 'Active' } })['status.phase'], 'Active');
  assert.equal(selectors.selectableFields(info('apps', 'ReplicaSet'), { status: { replicas: 3 } })['status.replicas'], '3');
  assert.equal(selectors.selectableFields(info('batch', 'Job'), { status: { succeeded: 1 } })['status.successful'], '1');
  const crd = info('kubevirt.io', 'VirtualMachineInstance', { fieldSelectors: ['status.nodeName'] });
  assert.deepEqual(selectors.selectableFields(crd, { metadata: { name: 'v' }, status: { nodeName: 'n' } }), {
    'metadata.name': 'v',
    'metadata.namespace': '',
    'status.nodeName': 'n',
  });
});

test('supported field labels per kind, with upstream aliases', () => {
  assert.equal(convertFieldLabel(info('', 'Pod'), 'spec.host'), 'spec.nodeName');
  assert.equal(convertFieldLabel(info('', 'Pod'), 'spec.nodeName'), 'spec.nodeName');
  assert.equal(convertFieldLabel(info('', 'Pod'), 'spec.containers'), undefined);
  assert.equal(convertFieldLabel(info('', 'Node'), 'metadata.namespace'), undefined);
  assert.equal(convertFieldLabel(info('', 'Namespace'), 'status.phase'), 'status.phase');
  assert.equal(convertFieldLabel(info('', 'ConfigMap'), 'metadata.namespace'), 'metadata.namespace');
  assert.equal(convertFieldLabel(info('', 'ConfigMap'), 'data'), undefined);
  assert.equal(convertFieldLabel(info('example.com', 'Widget'), 'spec.size'), undefined);
  assert.ok(supportedFieldSelectors(info('', 'Event')).includes('involvedObject.name'));
  assert.ok(supportedFieldSelectors(info('', 'Service')).includes('spec.type'));
});

test('field selectors for a resource: labels checked and aliases rewritten as ListResource does', () => {
  const m = parseFieldSelectorFor(info('', 'Pod'), 'spec.host=n1,status.phase!=Failed');
  assert.deepEqual(m.fieldNames, ['spec.nodeName', 'status.phase']);
  assert.equal(m.matches({ 'spec.nodeName': 'n1', 'status.phase': 'Running' }), true);
  assert.throws(
    () => parseFieldSelectorFor(info('', 'Pod'), 'spec.containers=x'),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'field label not supported: spec.containers',
  );
  assert.throws(
    () => parseFieldSelectorFor(info('', 'Node'), 'metadata.namespace=x'),
    (e: unknown) => e instanceof StatusError && e.message === 'field label not supported: metadata.namespace',
  );
});
