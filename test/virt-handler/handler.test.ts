/**
 * virt-handler against the in-process API server and a fake launcher (a LauncherServer double):
 * a Scheduled VMI gets synced and goes Running with Ready=True; a crash event makes it Failed;
 * the node gets its heartbeat, labels and device capacity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubevirtCrd } from '../../src/api/crds/definitions.js';
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { LauncherServer, type DomainSummary, type LauncherHandlers } from '../../src/launcher-rpc/index.js';
import { VirtHandler } from '../../src/virt-handler/handler.js';
import { startTestServer, waitFor } from '../apiserver/harness.js';

const NODE = 'node1';

function fakeLauncher(): { handlers: LauncherHandlers; state: { domain: DomainSummary | null; synced: number } } {
  const state: { domain: DomainSummary | null; synced: number } = { domain: null, synced: 0 };
  const st = () => Promise.resolve({ state: state.domain?.state ?? 'Shutoff', reason: state.domain?.reason ?? 'Unknown' });
  const handlers: LauncherHandlers = {
    ping: () => Promise.resolve({ version: 1, pid: process.pid, domain: 'default_vm1' }),
    sync: () => {
      state.synced += 1;
      state.domain = { name: 'default_vm1', uuid: 'u1', state: 'Running', reason: 'Booted', virtType: 'qemu', vcpus: 1, memoryKiB: 65536, interfaces: [{ name: 'default', mac: '52:54:00:aa:bb:cc', ips: [] }] };
      return st();
    },
    shutdown: st, kill: st, pause: st, unpause: st, softReboot: st, reset: st,
    getDomain: () => Promise.resolve(state.domain),
    getStats: () => Promise.resolve(null),
    getGuestInfo: () => Promise.resolve({ agentConnected: false }),
  };
  return { handlers, state };
}

test('virt-handler syncs a Scheduled VMI to Running and marks a crashed one Failed', { timeout: 60_000 }, async () => {
  const ts = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'vh-'));
  const client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  const fake = fakeLauncher();
  const launcher = await LauncherServer.listen(join(dir, 'launcher.sock'), fake.handlers);
  let handler: VirtHandler | undefined;
  const logs: string[] = [];
  try {
    await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', kubevirtCrd('VirtualMachineInstance'));
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    const vmiPath = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances';
    const created = await waitFor('VMI CRD served', async () => {
      try {
        return await client.create<VirtualMachineInstance>(vmiPath, {
          apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance',
          metadata: { name: 'vm1', namespace: 'default', labels: { 'kubevirt.io/nodeName': NODE } },
          spec: { domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }] }, machine: { type: 'q35' } }, networks: [{ name: 'default', pod: {} }] },
        });
      } catch {
        return undefined;
      }
    }, 10_000);
    await client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'virt-launcher-vm1', namespace: 'default', labels: { 'kubevirt.io': 'virt-launcher', 'kubevirt.io/created-by': created.metadata?.uid } },
      spec: { containers: [{ name: 'compute', image: 'kubevirt-ts/virt-launcher:test' }] },
    });
    await client.patch(`${vmiPath}/vm1`, { status: { phase: 'Scheduled', nodeName: NODE, activePods: { 'pod-uid': NODE } } });

    handler = new VirtHandler({ client, nodeName: NODE, kvm: false, log: (m) => logs.push(m), resolveSocket: (v) => (v.status?.activePods?.['pod-uid'] ? join(dir, 'launcher.sock') : undefined) });
    await handler.start();

    const running = await waitFor('VMI Running and Ready', async () => {
      const v = await client.get<VirtualMachineInstance>(`${vmiPath}/vm1`);
      return v.status?.phase === 'Running' && v.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? v : undefined;
    }, 15_000);
    assert.equal(fake.state.synced, 1);
    assert.equal(running.status?.interfaces?.[0]?.mac, '52:54:00:aa:bb:cc');
    assert.equal(running.status?.launcherContainerImageVersion, 'kubevirt-ts/virt-launcher:test');
    assert.ok(running.status?.conditions?.some((c) => c.type === 'SoftwareEmulation' && c.status === 'True'));

    const node = await client.get<{ metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; status?: { capacity?: Record<string, string> } }>(`/api/v1/nodes/${NODE}`);
    assert.equal(node.metadata.labels?.['kubevirt.io/schedulable'], 'true');
    assert.match(node.metadata.annotations?.['kubevirt.io/heartbeat'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(node.status?.capacity?.['devices.kubevirt.io/tun'], '1000');

    fake.state.domain = { ...(fake.state.domain as DomainSummary), state: 'Shutoff', reason: 'Crashed' };
    launcher.broadcast({ type: 'lifecycle', state: 'Shutoff', reason: 'Crashed' });
    const failed = await waitFor('VMI Failed', async () => {
      const v = await client.get<VirtualMachineInstance>(`${vmiPath}/vm1`);
      return v.status?.phase === 'Failed' ? v : undefined;
    }, 15_000);
    assert.equal(failed.status?.reason, 'Crashed');
    assert.ok(failed.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False'));
  } catch (e) {
    throw new Error(`${String(e)}; handler log: ${logs.join(' | ')}`, { cause: e });
  } finally {
    await handler?.stop();
    await launcher.close();
    client.close();
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
