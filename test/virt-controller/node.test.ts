// Component test: the node controller against the in-process API server, with a short heartbeat timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubevirtCrds } from '../../src/api/crds/definitions.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { EventRecorder } from '../../src/client/events.js';
import { InformerFactory, type ControllerDeps } from '../../src/virt-controller/common.js';
import { NodeController } from '../../src/virt-controller/node/controller.js';
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import type { Node } from '../../src/virt-controller/pod.js';
import { startTestServer, waitFor } from '../apiserver/harness.js';

const VMIS = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances';
const stamp = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('a node whose heartbeat stops becomes unschedulable and its VMIs without a live pod fail with NodeUnresponsive', { timeout: 60_000 }, async () => {
  const ts = await startTestServer();
  const client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  const informers = new InformerFactory(client);
  const deps: ControllerDeps = { client, recorder: new EventRecorder(client, 'virt-controller'), informers, now: () => new Date(), log: { info: () => undefined, error: () => undefined } };
  const ctl = new NodeController(deps, { heartbeatTimeoutMs: 4000, recheckMs: 200 });
  try {
    for (const crd of kubevirtCrds()) await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    await waitFor('CRDs served', () => client.get(VMIS).then(() => true), 15_000);
    for (const name of ['dead', 'live']) {
      await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubevirt.io/schedulable': 'true' }, annotations: { 'kubevirt.io/heartbeat': stamp(name === 'dead' ? 60_000 : 0) } } });
    }
    const mkVMI = async (name: string, nodeName: string) => {
      const v = await client.create<VirtualMachineInstance>(VMIS, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name }, spec: { domain: { devices: {}, memory: { guest: '64Mi' } } } });
      await client.replace(`${VMIS}/${name}`, { ...v, status: { phase: 'Running', nodeName } });
      return v;
    };
    const withPod = await mkVMI('with-pod', 'dead');
    await mkVMI('without-pod', 'dead');
    await mkVMI('on-live-node', 'live');
    await client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'virt-launcher-with-pod', labels: { 'kubevirt.io': 'virt-launcher' }, ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: 'with-pod', uid: withPod.metadata?.uid, controller: true }] },
      spec: { nodeName: 'dead', containers: [{ name: 'compute', image: 'virt-launcher' }] },
    });
    // The live node heartbeats just before the controller starts (the timeout is 4 s).
    await client.patch('/api/v1/nodes/live', { metadata: { annotations: { 'kubevirt.io/heartbeat': stamp(0) } } });
    await informers.start();
    ctl.run();

    await waitFor('node marked unschedulable', async () => (await client.get<Node>('/api/v1/nodes/dead')).metadata.labels?.['kubevirt.io/schedulable'] === 'false', 15_000);
    const failed = await waitFor('VMI failed', async () => {
      const v = await client.get<VirtualMachineInstance>(`${VMIS}/without-pod`);
      return v.status?.phase === 'Failed' ? v : undefined;
    }, 15_000);
    assert.equal(failed.status?.reason, 'NodeUnresponsive');
    // A VMI with a live pod, and a node that heartbeats, are left alone.
    assert.equal((await client.get<VirtualMachineInstance>(`${VMIS}/with-pod`)).status?.phase, 'Running');
    assert.equal((await client.get<VirtualMachineInstance>(`${VMIS}/on-live-node`)).status?.phase, 'Running');
    assert.equal((await client.get<Node>('/api/v1/nodes/live')).metadata.labels?.['kubevirt.io/schedulable'], 'true');

    // The live node's handler stops too: after the timeout it goes the same way, its pod-less VMI fails.
    await waitFor('live node times out', async () => (await client.get<Node>('/api/v1/nodes/live')).metadata.labels?.['kubevirt.io/schedulable'] === 'false', 15_000);
    await waitFor('its VMI failed', async () => (await client.get<VirtualMachineInstance>(`${VMIS}/on-live-node`)).status?.reason === 'NodeUnresponsive', 15_000);
    assert.equal((await client.get<VirtualMachineInstance>(`${VMIS}/with-pod`)).status?.phase, 'Running');
  } finally {
    ctl.stop();
    await informers.stop();
    client.close();
    await ts.close();
  }
});
