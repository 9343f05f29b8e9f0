import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterConfigFromKubeVirt, DEFAULT_CLUSTER_CONFIG, hasCustomCPURequest, isFeatureGateEnabled, machineTypeFor, overlay } from './cluster-config.js';

test('upstream defaults when there is no KubeVirt CR', () => {
  const c = DEFAULT_CLUSTER_CONFIG;
  assert.equal(c.defaultArchitecture, 'amd64');
  assert.equal(machineTypeFor(c, 'amd64'), 'q35');
  assert.equal(machineTypeFor(c, 'arm64'), 'virt');
  assert.equal(machineTypeFor(c, 's390x'), 's390-ccw-virtio');
  assert.deepEqual(c.architectures.amd64.emulatedMachines, ['q35*', 'pc-q35*']);
  assert.equal(c.cpuRequest, '100m');
  assert.equal(hasCustomCPURequest(c), false);
  assert.equal(c.memoryOvercommit, 100);
  assert.equal(c.cpuAllocationRatio, 10);
  assert.equal(c.useEmulation, false);
  assert.equal(c.defaultNetworkInterface, 'masquerade');
  assert.equal(c.permitBridgeInterfaceOnPodNetwork, true);
  assert.equal(c.vmRolloutStrategy, 'LiveUpdate');
  assert.equal(c.liveUpdate.maxHotplugRatio, 4);
  assert.equal(c.migrations.parallelMigrationsPerCluster, 5);
  assert.equal(c.migrations.parallelOutboundMigrationsPerNode, 2);
  assert.equal(c.migrations.progressTimeout, 150);
  assert.equal(c.memBalloonStatsPeriod, 10);
});

test('KubeVirt spec.configuration overrides field by field', () => {
  const table: [string, object, (c: ReturnType<typeof clusterConfigFromKubeVirt>) => unknown, unknown][] = [
    ['feature gates', { developerConfiguration: { featureGates: ['HostDisk'] } }, (c) => isFeatureGateEnabled(c, 'HostDisk'), true],
    ['disabled gate wins', { developerConfiguration: { featureGates: ['HostDisk'], disabledFeatureGates: ['HostDisk'] } }, (c) => isFeatureGateEnabled(c, 'HostDisk'), false],
    ['GA gate always on', {}, (c) => isFeatureGateEnabled(c, 'LiveMigration'), true],
    ['useEmulation', { developerConfiguration: { useEmulation: true } }, (c) => c.useEmulation, true],
    ['gates keep other developer defaults', { developerConfiguration: { useEmulation: true } }, (c) => c.memoryOvercommit, 100],
    ['memoryOvercommit', { developerConfiguration: { memoryOvercommit: 150 } }, (c) => c.memoryOvercommit, 150],
    ['arch machine type', { architectureConfiguration: { amd64: { machineType: 'pc-q35-8.2' } } }, (c) => machineTypeFor(c, 'amd64'), 'pc-q35-8.2'],
    ['arch override keeps emulated machines', { architectureConfiguration: { amd64: { machineType: 'pc-q35-8.2' } } }, (c) => c.architectures.amd64.emulatedMachines, ['q35*', 'pc-q35*']],
    ['deprecated machineType', { machineType: 'pc-q35-7.0' }, (c) => machineTypeFor(c, undefined), 'pc-q35-7.0'],
    ['default architecture', { architectureConfiguration: { defaultArchitecture: 'arm64' } }, (c) => c.defaultArchitecture, 'arm64'],
    ['cpuModel', { cpuModel: 'Haswell' }, (c) => c.cpuModel, 'Haswell'],
    ['cpuRequest', { cpuRequest: '200m' }, (c) => hasCustomCPURequest(c), true],
    ['cpuRequest equal to default by value', { cpuRequest: '0.1' }, (c) => hasCustomCPURequest(c), false],
    ['bridge binding', { network: { defaultNetworkInterface: 'bridge' } }, (c) => c.defaultNetworkInterface, 'bridge'],
    ['bridge not permitted', { network: { permitBridgeInterfaceOnPodNetwork: false } }, (c) => c.permitBridgeInterfaceOnPodNetwork, false],
    ['rollout Stage', { vmRolloutStrategy: 'Stage' }, (c) => c.vmRolloutStrategy, 'Stage'],
    ['eviction strategy', { evictionStrategy: 'LiveMigrate' }, (c) => c.evictionStrategy, 'LiveMigrate'],
  ];
  for (const [name, configuration, get, want] of table) {
    assert.deepEqual(get(clusterConfigFromKubeVirt({ spec: { configuration } })), want, name);
  }
});

test('overlay merges objects and replaces lists', () => {
  assert.deepEqual(overlay({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } }), { a: { b: 1, c: [3] }, d: 1 });
  assert.deepEqual(overlay({ a: 1 }, { a: null }), { a: 1 });
});
