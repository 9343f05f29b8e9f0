import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';
import { asServed } from '../rest/context.js';
import { mayAskConversion, servedJson } from './served-json.js';

const resource = (group: string, version: string, kind: string, extra: Partial<ServedResource> = {}): ServedResource =>
  ({ info: { group, version, kind, plural: `${kind.toLowerCase()}s` }, hooks: {}, storageVersion: version, ...extra }) as unknown as ServedResource;

const vmi = resource('kubevirt.io', 'v1', 'VirtualMachineInstance');
const cm = resource('', 'v1', 'ConfigMap');
const shared = resource('events.k8s.io', 'v1', 'Event', {
  sharedStorage: { group: '', resource: 'events', toStorage: (o) => o, fromStorage: (o) => ({ ...o, apiVersion: 'events.k8s.io/v1' }) },
});
const stored = (o: KubeObject): string => JSON.stringify(o);

const cases: [string, ServedResource, string | undefined, boolean][] = [
  ['same group/version and kind first', vmi, stored({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'a', resourceVersion: '7' }, spec: {} }), true],
  ['core group', cm, stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }), true],
  ['stored in another version', vmi, stored({ apiVersion: 'kubevirt.io/v1alpha3', kind: 'VirtualMachineInstance', metadata: { name: 'a' } }), false],
  ['kind not first', cm, stored({ metadata: { name: 'a' }, apiVersion: 'v1', kind: 'ConfigMap' }), false],
  ['kind missing', cm, stored({ apiVersion: 'v1', metadata: { name: 'a' } }), false],
  ['another kind', cm, stored({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' } }), false],
  ['a prefix of the version', vmi, stored({ apiVersion: 'kubevirt.io/v1beta1', kind: 'VirtualMachineInstance', metadata: { name: 'a' } }), false],
  ['shared storage converts', shared, stored({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'a' } }), false],
  ['not found', cm, undefined, false],
];

test('servedJson is the stored text exactly when it serialises as the served object', () => {
  for (const [name, r, text, same] of cases) {
    const got = servedJson(r, text);
    assert.equal(got !== undefined, same, name);
    if (got !== undefined && text !== undefined) assert.equal(got, JSON.stringify(asServed(r, JSON.parse(text) as KubeObject)), name);
  }
});

test('mayAskConversion: only an Accept with an as= parameter may want a Table or metadata', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, false],
    ['application/json', false],
    ['application/json, */*', false],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json', true],
    ['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', true],
  ];
  for (const [accept, want] of cases) assert.equal(mayAskConversion(accept), want, String(accept));
});
