/**
 * virt-handler against the in-process API server and a fake launcher (a LauncherServer double):
 * a Scheduled VMI gets synced and goes Running (Ready is virt-controller's); a crash event makes it Failed;
 * the node gets its heartbeat, labels and device capacity. Slow syncs of many VMIs all run at
 * once (none waits for a worker), and a failed sync is retried.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubevirtCrd } from '../../src/api/crds/definitions.js';
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { LauncherError, LauncherServer, type DomainSummary, type LauncherHandlers } from '../../src/launcher-rpc/index.js';
import { VirtHandler } from '../../src/virt-handler/handler.js';
import { startTestServer, waitFor } from '../apiserver/harness.js';

const NODE = 'node1';

/** A launcher double for VMI `name`: its sync first awaits `beforeStart(n)` (n-th sync; may wait or throw), then the domain runs. */
function fakeLauncher(name: string, mac: string, beforeStart: (n: number) => Promise<void> = () => Promise.resolve()): {
  handlers: LauncherHandlers; state: { domain: DomainSummary | null; synced: number };
} {
  const state: { domain: DomainSummary | null; synced: number } = { domain: null, synced: 0 };
  const st = () => Promise.resolve({ state: state.domain?.state ?? 'Shutoff', reason: state.domain?.reason ?? 'Unknown' });
  const handlers: LauncherHandlers = {
    ping: () => Promise.resolve({ version: 1, pid: process.pid, domain: `default_${name}` }),
    sync: async () => {
      state.synced += 1;
      await beforeStart(state.synced);
      state.domain = { name: `default_${name}`, uuid: `u-${name}`, state: 'Running', reason: 'Booted', virtType: 'qemu', vcpus: 1, memoryKiB: 65536, interfaces: [{ name: 'default', mac, ips: [] }] };
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
  const fake = fakeLauncher('vm1', '52:54:00:aa:bb:cc');
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

    const running = await waitFor('VMI Running', async () => {
      const v = await client.get<VirtualMachineInstance>(`${vmiPath}/vm1`);
      return v.status?.phase === 'Running' ? v : undefined;
    }, 15_000);
    assert.equal(running.status?.conditions?.some((c) => c.type === 'Ready'), false, 'virt-handler leaves Ready to virt-controller');
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

test('virt-handler sends every Scheduled VMI its sync at once, however slow syncs are, and retries a failed one', { timeout: 60_000 }, async () => {
  const ts = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'vh-'));
  const client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  const names = Array.from({ length: 6 }, (_, i) => `vm${i}`); // more VMIs than the handler's workers
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => { release = r; });
  const failOnce = (n: number) => (n === 1 ? Promise.reject(new LauncherError('SyncFailed', 'SyncFailed', 'qemu-img: transient failure')) : gate);
    const fakes = new Map(names.map((n, i) => [n, fakeLauncher(n, '52:54:00:00:00:01', i === 0 ? failOnce : () => gate)]));
  const servers: LauncherServer[] = [];
  let handler: VirtHandler | undefined;
  const logs: string[] = [];
  try {
    for (const [n, f] of fakes) servers.push(await LauncherServer.listen(join(dir, `${n}.sock`), f.handlers));
    await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', kubevirtCrd('VirtualMachineInstance'));
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    const vmiPath = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances';
    for (const name of names) {
      const created = await waitFor('VMI CRD served', async () => {
        try {
          return await client.create<VirtualMachineInstance>(vmiPath, {
            apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: 'default' },
            spec: { domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }] } }, networks: [{ name: 'default', pod: {} }] },
          });
        } catch {
          return undefined;
        }
      }, 10_000);
      const uid = created.metadata?.uid ?? '';
      const pod = await client.create<{ metadata: { name: string } }>('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          name: `virt-launcher-${name}`, namespace: 'default', labels: { 'kubevirt.io': 'virt-launcher', 'kubevirt.io/created-by': uid },
          ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name, uid, controller: true }],
        },
        spec: { nodeName: NODE, containers: [{ name: 'compute', image: 'kubevirt-ts/virt-launcher:test' }] },
      });
      await client.patch(`/api/v1/namespaces/default/pods/${pod.metadata.name}/status`, { status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }] } });
      await client.patch(`${vmiPath}/${name}`, { status: { phase: 'Scheduled', nodeName: NODE, activePods: { [`pod-${name}`]: NODE } } });
    }
    const socketOf = (v: VirtualMachineInstance) => join(dir, `${v.metadata?.name ?? ''}.sock`);
    handler = new VirtHandler({ client, nodeName: NODE, kvm: false, log: (m) => logs.push(m), resolveSocket: socketOf });
    await handler.start();

    await waitFor('every sync received while all are still in progress', () => ([...fakes.values()].every((f) => f.state.synced >= 1 + (f === fakes.get('vm0') ? 1 : 0)) ? true : undefined), 15_000);
    assert.ok(logs.some((l) => /default\/vm0: sync: .*transient failure/.test(l)), 'the failed sync is logged');
    release();
    const running = await waitFor('every VMI Running', async () => {
      const list = await client.get<{ items: VirtualMachineInstance[] }>(vmiPath);
      return list.items.length === names.length && list.items.every((v) => v.status?.phase === 'Running') ? list.items : undefined;
    }, 15_000);
    for (const v of running) assert.equal(v.status?.interfaces?.[0]?.ipAddress, '10.0.0.9', `${v.metadata?.name ?? ''}: the pod IP from the pod cache`);
    assert.deepEqual([...fakes.values()].map((f) => f.state.synced), [2, 1, 1, 1, 1, 1]);
  } catch (e) {
    throw new Error(`${String(e)}; handler log: ${logs.join(' | ')}`, { cause: e });
  } finally {
    release();
    await handler?.stop();
    for (const s of servers) await s.close();
    client.close();
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
