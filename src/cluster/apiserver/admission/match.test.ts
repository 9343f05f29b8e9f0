import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/meta/index.js';
import type { ResourceInfo } from '../contracts.js';
import { matchingResource, mayMatch, namespaceSelectorMatches, objectSelectorMatches, ruleMatches, ruleResources, isExemptResource, type RuleTarget } from './match.js';
import type { AdmissionAttributes, Webhook } from './types.js';

function info(group: string, version: string, plural: string, kind: string, namespaced = true): ResourceInfo {
  return { group, version, kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), namespaced, shortNames: [], categories: [], verbs: [], subresources: [] };
}
const pods = info('', 'v1', 'pods', 'Pod');
const namespaces = info('', 'v1', 'namespaces', 'Namespace', false);
const nodes = info('', 'v1', 'nodes', 'Node', false);
const vmiV1 = info('kubevirt.io', 'v1', 'virtualmachineinstances', 'VirtualMachineInstance');
const vmiAlpha = info('kubevirt.io', 'v1alpha3', 'virtualmachineinstances', 'VirtualMachineInstance');
const user = { name: 'u', groups: [] };

test('ruleMatches: operations, groups, versions, resources with subresources, scope', () => {
  const t = (over: Partial<RuleTarget>): RuleTarget => ({ operation: 'CREATE', group: '', version: 'v1', resource: 'pods', subresource: '', namespace: 'ns', ...over });
  const all = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'] };
  const cases: { name: string; rule: Parameters<typeof ruleMatches>[0]; target: RuleTarget; want: boolean }[] = [
    { name: 'exact', rule: { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, target: t({}), want: true },
    { name: 'other operation', rule: { operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }, target: t({}), want: false },
    { name: 'other group', rule: { ...all, apiGroups: ['apps'], resources: ['pods'] }, target: t({}), want: false },
    { name: 'other version', rule: { ...all, apiVersions: ['v2'], resources: ['pods'] }, target: t({}), want: false },
    { name: '* skips subresources', rule: { ...all, resources: ['*'] }, target: t({ subresource: 'status' }), want: false },
    { name: '* matches main', rule: { ...all, resources: ['*'] }, target: t({}), want: true },
    { name: '*/* matches subresources', rule: { ...all, resources: ['*/*'] }, target: t({ subresource: 'status' }), want: true },
    { name: 'pods/* matches pods', rule: { ...all, resources: ['pods/*'] }, target: t({}), want: true },
    { name: 'pods/* matches pods/binding', rule: { ...all, resources: ['pods/*'] }, target: t({ subresource: 'binding' }), want: true },
    { name: '*/status matches vmi status', rule: { ...all, resources: ['*/status'] }, target: t({ resource: 'virtualmachineinstances', subresource: 'status' }), want: true },
    { name: 'pods/status misses pods', rule: { ...all, resources: ['pods/status'] }, target: t({}), want: false },
    { name: 'pods misses pods/status', rule: { ...all, resources: ['pods'] }, target: t({ subresource: 'status' }), want: false },
    { name: 'Namespaced on namespaced', rule: { ...all, resources: ['*'], scope: 'Namespaced' }, target: t({}), want: true },
    { name: 'Namespaced on cluster', rule: { ...all, resources: ['*'], scope: 'Namespaced' }, target: t({ resource: 'nodes', namespace: '' }), want: false },
    { name: 'Namespaced on a namespace', rule: { ...all, resources: ['*'], scope: 'Namespaced' }, target: t({ resource: 'namespaces', namespace: 'ns' }), want: false },
    { name: 'Cluster on a namespace', rule: { ...all, resources: ['*'], scope: 'Cluster' }, target: t({ resource: 'namespaces', namespace: 'ns' }), want: true },
    { name: 'Cluster on namespaced', rule: { ...all, resources: ['*'], scope: 'Cluster' }, target: t({}), want: false },
    { name: 'no operations', rule: { apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }, target: t({}), want: false },
  ];
  for (const c of cases) assert.equal(ruleMatches(c.rule, c.target), c.want, c.name);
});

test('matchingResource honours matchPolicy with equivalent versions', () => {
  const attrs: AdmissionAttributes = { operation: 'CREATE', resource: vmiV1, namespace: 'ns', user };
  const rules = [{ operations: ['CREATE'], apiGroups: ['kubevirt.io'], apiVersions: ['v1alpha3'], resources: ['virtualmachineinstances'] }];
  const equivalents = () => [vmiV1, vmiAlpha];
  assert.equal(matchingResource({ name: 'w', clientConfig: {}, rules }, attrs, equivalents), vmiAlpha);
  assert.equal(matchingResource({ name: 'w', clientConfig: {}, rules, matchPolicy: 'Exact' }, attrs, equivalents), undefined);
  const exact = [{ ...rules[0]!, apiVersions: ['*'] }];
  assert.equal(matchingResource({ name: 'w', clientConfig: {}, rules: exact }, attrs, equivalents), vmiV1);
  assert.ok(isExemptResource(info('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false)));
  assert.ok(!isExemptResource(pods));
});

test('objectSelector matches the new or the old object', () => {
  const w: Webhook = { name: 'w', clientConfig: {}, objectSelector: { matchLabels: { app: 'a' } } };
  const obj = (labels?: Record<string, string>) => ({ metadata: { name: 'x', ...(labels ? { labels } : {}) } });
  const cases: { name: string; attrs: Partial<AdmissionAttributes>; want: boolean }[] = [
    { name: 'new matches', attrs: { object: obj({ app: 'a' }) }, want: true },
    { name: 'old matches', attrs: { object: obj({ app: 'b' }), oldObject: obj({ app: 'a' }) }, want: true },
    { name: 'neither', attrs: { object: obj({ app: 'b' }), oldObject: obj() }, want: false },
    { name: 'delete of matching', attrs: { oldObject: obj({ app: 'a' }) }, want: true },
  ];
  for (const c of cases) assert.equal(objectSelectorMatches(w, { operation: 'UPDATE', resource: pods, user, ...c.attrs }), c.want, c.name);
  assert.ok(objectSelectorMatches({ name: 'w', clientConfig: {} }, { operation: 'CREATE', resource: pods, user }));
});

test('namespaceSelector: stored labels, a namespace\'s own labels, cluster-scoped objects, missing namespace', async () => {
  const stored: Record<string, Record<string, string>> = { prod: { env: 'prod' }, dev: { env: 'dev' } };
  const lookups: string[] = [];
  const lookup = (n: string) => (lookups.push(n), stored[n]);
  const w: Webhook = { name: 'w', clientConfig: {}, namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } };
  const cases: { name: string; attrs: AdmissionAttributes; want: boolean }[] = [
    { name: 'pod in prod', attrs: { operation: 'CREATE', resource: pods, namespace: 'prod', user }, want: true },
    { name: 'pod in dev', attrs: { operation: 'CREATE', resource: pods, namespace: 'dev', user }, want: false },
    { name: 'node (cluster-scoped)', attrs: { operation: 'CREATE', resource: nodes, name: 'n1', user }, want: true },
    {
      name: 'namespace created with matching labels',
      attrs: { operation: 'CREATE', resource: namespaces, name: 'new', object: { metadata: { name: 'new', labels: { env: 'prod' } } }, user },
      want: true,
    },
    { name: 'namespace deleted: stored labels', attrs: { operation: 'DELETE', resource: namespaces, name: 'dev', user }, want: false },
  ];
  for (const c of cases) assert.equal(await namespaceSelectorMatches(w, c.attrs, lookup), c.want, c.name);
  assert.deepEqual(lookups, ['prod', 'dev', 'dev']);
  await assert.rejects(
    namespaceSelectorMatches(w, { operation: 'CREATE', resource: pods, namespace: 'gone', user }, lookup),
    (err: unknown) => err instanceof StatusError && err.code === 404 && err.message === 'namespaces "gone" not found',
  );
  assert.ok(await namespaceSelectorMatches({ name: 'w', clientConfig: {} }, { operation: 'CREATE', resource: pods, namespace: 'gone', user }, lookup));
});

test('ruleResources/mayMatch: a request for a resource no rule names cannot match; `*` and equivalents can', () => {
  const hook = (resources: string[]): Webhook => ({ name: 'h', clientConfig: {}, rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources }] });
  const attrs = (resource: ResourceInfo): AdmissionAttributes => ({ operation: 'CREATE', resource, namespace: 'ns', user });
  const vmisOnly = ruleResources([hook(['virtualmachineinstances']), hook(['pods/status'])]);
  const cases: [string, ReadonlySet<string> | undefined, ResourceInfo, boolean, ((i: ResourceInfo) => readonly ResourceInfo[])?][] = [
    ['named resource', vmisOnly, vmiV1, true],
    ['resource named with a subresource', vmisOnly, pods, true],
    ['unnamed resource', vmisOnly, nodes, false],
    ['an equivalent is named', vmisOnly, info('example.io', 'v1', 'vmis', 'VMI'), true, () => [vmiAlpha]],
    ['no equivalent is named', vmisOnly, namespaces, false, () => [nodes]],
    ['wildcard rule', ruleResources([hook(['virtualmachineinstances']), hook(['*/status'])]), nodes, true],
    ['no webhooks', ruleResources([]), pods, false],
  ];
  for (const [name, resources, resource, want, eq] of cases) assert.equal(mayMatch(resources, attrs(resource), eq), want, name);
});
