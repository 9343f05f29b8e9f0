import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregatedGroups } from './apiservice.js';

test('aggregatedGroups lists aggregated groups with versions by priority', () => {
  const s = (version: string, versionPriority: number, service: unknown = { namespace: 'kubevirt', name: 'api' }) => ({
    metadata: { name: `${version}.subresources.kubevirt.io` },
    spec: { group: 'subresources.kubevirt.io', version, versionPriority, service },
  });
  assert.deepEqual(aggregatedGroups([s('v1alpha3', 10), s('v1', 15), { spec: { group: 'apps', version: 'v1', service: null } }]), [
    {
      name: 'subresources.kubevirt.io',
      versions: [
        { groupVersion: 'subresources.kubevirt.io/v1', version: 'v1' },
        { groupVersion: 'subresources.kubevirt.io/v1alpha3', version: 'v1alpha3' },
      ],
      preferredVersion: { groupVersion: 'subresources.kubevirt.io/v1', version: 'v1' },
    },
  ]);
});
