import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourcesFromLegacy, wantsAggregated } from './aggregated.js';

test('wantsAggregated follows the order of the Accept header', () => {
  const kubectl = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const cases: [string | undefined, string | undefined][] = [
    [kubectl, 'v2'],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', 'v2beta1'],
    ['application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json', undefined],
    ['application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', undefined],
    ['application/json', undefined],
    ['*/*', undefined],
    [undefined, undefined],
    ['application/json;as=Table;g=meta.k8s.io;v=v1,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'v2'],
  ];
  for (const [accept, want] of cases) assert.equal(wantsAggregated(accept), want, String(accept));
});

test('resourcesFromLegacy nests subresources under their resource and keeps their own kinds', () => {
  const list = {
    resources: [
      { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list'], shortNames: ['deploy'], categories: ['all'] },
      { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
      { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get'] },
      { nonsense: true },
    ],
  };
  assert.deepEqual(resourcesFromLegacy('apps', 'v1', list), [
    {
      resource: 'deployments',
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      verbs: ['get', 'list'],
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get'] },
      ],
    },
    { resource: 'nodes', responseKind: { group: 'apps', version: 'v1', kind: 'Node' }, scope: 'Cluster', singularResource: 'node', verbs: ['get'] },
  ]);
  assert.deepEqual(resourcesFromLegacy('x', 'v1', 'not a list'), []);
});
