// Component test: the VM and VMI controllers against the in-process API server (real HTTP and watch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { kubevirtCrds } from '../../src/api/crds/definitions.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { EventRecorder } from '../../src/client/events.js';
import { InformerFactory, type ControllerDeps } from '../../src/virt-controller/common.js';
import { VMController } from '../../src/virt-controller/vm/controller.js';
import { VMIController } from '../../src/virt-controller/vmi/controller.js';
import type { Pod } from '../../src/virt-controller/pod.js';
import type { VirtualMachine, VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import { startTestServer } from '../apiserver/harness.js';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

test('VM Always gets a VMI and a launcher pod; Halted removes the VMI', { timeout: 60_000 }, async () => {
  const ts = await startTestServer();
  const client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  const informers = new InformerFactory(client);
  const vmCtl: { stop(): void }[] = [];
  try {
    for (const crd of kubevirtCrds()) await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    await waitFor('CRDs served', () => client.get('/apis/kubevirt.io/v1/virtualmachines').then(() => true));
    const log = { info: () => undefined, error: () => undefined };
    const deps: ControllerDeps = { client, recorder: new EventRecorder(client, 'virt-controller'), informers, now: () => new Date(), log };
    const vmi = new VMIController(deps, { pod: { version: '0.1.0', cpuAllocationRatio: 10, useEmulation: true } });
    const vm = new VMController(deps);
    vmCtl.push(vmi, vm);
    await informers.start();
    vmi.run();
    vm.run();

    const vms = '/apis/kubevirt.io/v1/namespaces/default/virtualmachines';
    await client.create(vms, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'demo', namespace: 'default' },
      spec: { runStrategy: 'Always', template: { metadata: { labels: { app: 'demo' } }, spec: { domain: { devices: {}, memory: { guest: '128Mi' } } } } },
    });
    const created = await waitFor('VMI', () => client.get<VirtualMachineInstance>('/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/demo'));
    assert.equal(created.metadata?.ownerReferences?.[0]?.kind, 'VirtualMachine');
    const pod = await waitFor('launcher pod', async () => {
      const list = await client.get<{ items: Pod[] }>('/api/v1/namespaces/default/pods', { query: { labelSelector: 'kubevirt.io=virt-launcher' } });
      return list.items[0];
    });
    assert.equal(pod.metadata.labels?.['kubevirt.io/created-by'], created.metadata?.uid);
    assert.equal(pod.metadata.labels?.['vm.kubevirt.io/name'], 'demo');
    assert.equal(pod.metadata.labels?.['app'], 'demo');
    await waitFor('VMI Scheduling', async () => ((await client.get<VirtualMachineInstance>('/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/demo')).status?.phase === 'Scheduling' ? true : undefined));
    await waitFor('VM Starting', async () => ((await client.get<VirtualMachine>(`${vms}/demo`)).status?.printableStatus === 'Starting' ? true : undefined));

    await client.patch(`${vms}/demo`, { spec: { runStrategy: 'Halted' } });
    await waitFor('VMI gone', () =>
      client.get('/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/demo').then(
        () => undefined,
        () => true,
      ),
    );
    await waitFor('VM Stopped', async () => ((await client.get<VirtualMachine>(`${vms}/demo`)).status?.printableStatus === 'Stopped' ? true : undefined));
  } finally {
    for (const c of vmCtl) c.stop();
    await informers.stop();
    client.close();
    await ts.close();
  }
});
