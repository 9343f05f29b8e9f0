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
import { VirtHandler, vmiInformerSelector } from '../../src/virt-handler/handler.js';
import { startTestServer, waitFor } from '../apiserver/harness.js';

const NODE = 'node1';

/** A launcher double for VMI `name`: its sync first awaits `beforeStart(n)` (n-th sync; may wait or throw), then the domain runs. */
function fakeLauncher(name: string, mac: string, beforeStart: (n: number) => Promise<void> = () => Promise.resolve()): {
  handlers: LauncherHandlers; state: { domain: DomainSummary | null; synced: number; shutdowns: number[] };
} {
  const state: { domain: DomainSummary | null; synced: number; shutdowns: number[] } = { domain: null, synced: 0, shutdowns: [] };
  const st = () => Promise.resolve({ state: state.domain?.state ?? 'Shutoff', reason: state.domain?.reason ?? 'Unknown' });
  const handlers: LauncherHandlers = {
    ping: () => Promise.resolve({ version: 1, pid: process.pid, domain: `default_${name}` }),
    sync: async () => {
      state.synced += 1;
      await beforeStart(state.synced);
      state.domain = { name: `default_${name}`, uuid: `u-${name}`, state: 'Running', reason: 'Booted', virtType: 'qemu', vcpus: 1, memoryKiB: 65536, interfaces: [{ name: 'default', mac, ips: [] }] };
      return st();
    },
    shutdown: (p) => {
      state.shutdowns.push(p.gracePeriodSeconds ?? -1);
      return st();
    },
    kill: st, pause: st, unpause: st, softReboot: st, reset: st,
    getDomain: () => Promise.resolve(state.domain),
    getStats: () => Promise.resolve(null),
    getGuestInfo: () => Promise.resolve({ agentConnected: false }),
  };
  return { handlers, state };
}

/** Serves each fake launcher at `<dir>/<name>.sock` and creates the VMI CRD and this node. */
async function serveFakes(client: KubeClient, dir: string, fakes: ReadonlyMap<string, ReturnType<typeof fakeLauncher>>): Promise<LauncherServer[]> {
  const servers: LauncherServer[] = [];
  for (const [n, f] of fakes) servers.push(await LauncherServer.listen(join(dir, `${n}.sock`), f.handlers));
  await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', kubevirtCrd('VirtualMachineInstance'));
  await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
  return servers;
}

/** Creates VMI default/`name` labelled for `node`, once the CRD is served. */
function createVMI(client: KubeClient, name: string, node: string, spec: VirtualMachineInstance['spec']): Promise<VirtualMachineInstance> {
  return waitFor('VMI CRD served', async () => {
    try {
      return await client.create<VirtualMachineInstance>('/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances', {
        apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: 'default', labels: { 'kubevirt.io/nodeName': node } }, spec,
      });
    } catch {
      return undefined;
    }
  }, 10_000);
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
    servers.push(...(await serveFakes(client, dir, fakes)));
    const vmiPath = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances';
    for (const name of names) {
      const created = await createVMI(client, name, NODE, { domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }] } }, networks: [{ name: 'default', pod: {} }] });
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

test('virt-handler watches only the VMIs labelled kubevirt.io/nodeName=<its node>', () => {
  for (const [node, want] of [['node1', 'kubevirt.io/nodeName=node1'], ['kvts-n2', 'kubevirt.io/nodeName=kvts-n2']] as const) {
    assert.deepEqual(vmiInformerSelector(node), { path: '/apis/kubevirt.io/v1/virtualmachineinstances', labelSelector: want });
  }
});

/** An API server with `fakes` served and this node, and a handler started on demand; `close()` stops them all. */
async function handlerHarness(fakes: ReadonlyMap<string, ReturnType<typeof fakeLauncher>>) {
  const ts = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'vh-'));
  const client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  const logs: string[] = [];
  let handler: VirtHandler | undefined;
  let servers: LauncherServer[] = [];
  return {
    client, logs,
    serve: async () => { servers = await serveFakes(client, dir, fakes); },
    startHandler: async () => {
      handler = new VirtHandler({ client, nodeName: NODE, kvm: false, log: (m) => logs.push(m), resolveSocket: (v) => join(dir, `${v.metadata?.name ?? ''}.sock`) });
      await handler.start();
    },
    close: async () => {
      await handler?.stop();
      for (const s of servers) await s.close();
      client.close();
      await ts.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test("virt-handler ignores another node's VMI and shuts down the domain of a VMI that leaves its node's selection", { timeout: 60_000 }, async () => {
  const fakes = new Map([['mine', fakeLauncher('mine', '52:54:00:00:00:02')], ['theirs', fakeLauncher('theirs', '52:54:00:00:00:03')]]);
  const h = await handlerHarness(fakes);
  const vmi = (name: string) => h.client.get<VirtualMachineInstance>(`/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/${name}`);
  try {
    await h.serve();
    // 'theirs' is labelled for node2 but claims this node in its status: a handler watching all VMIs would sync it.
    for (const [name, label] of [['mine', NODE], ['theirs', 'node2']] as const) {
      await createVMI(h.client, name, label, { terminationGracePeriodSeconds: 7, domain: { devices: {} } });
      await h.client.patch(`/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/${name}`, { status: { phase: 'Scheduled', nodeName: NODE, activePods: { [`pod-${name}`]: NODE } } });
    }
    await h.startHandler();
    await waitFor('mine Running', async () => ((await vmi('mine')).status?.phase === 'Running' ? true : undefined), 15_000);
    assert.equal(fakes.get('theirs')?.state.synced, 0, "another node's VMI is never synced");
    assert.equal((await vmi('theirs')).status?.phase, 'Scheduled');

    // The label goes (as the API server's admin: no webhook here): the VMI leaves the selection, its domain is shut down.
    await h.client.patch('/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/mine', [{ op: 'remove', path: '/metadata/labels/kubevirt.io~1nodeName' }]);
    await waitFor('the domain shut down', () => (fakes.get('mine')?.state.shutdowns.length ? true : undefined), 15_000);
    assert.deepEqual(fakes.get('mine')?.state.shutdowns, [7], 'one shutdown, with the VMI grace period');
  } catch (e) {
    throw new Error(`${String(e)}; handler log: ${h.logs.join(' | ')}`, { cause: e });
  } finally {
    await h.close();
  }
});

test('virt-handler fails a Scheduled VMI whose launcher pod ended before its launcher served', { timeout: 60_000 }, async () => {
  // No fake launcher is served for 'early': its socket never appears.
  const h = await handlerHarness(new Map());
  const path = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/early';
  try {
    await h.serve();
    const created = await createVMI(h.client, 'early', NODE, { domain: { devices: {} } });
    const podPath = '/api/v1/namespaces/default/pods/virt-launcher-early';
    await h.client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'virt-launcher-early', namespace: 'default', labels: { 'kubevirt.io': 'virt-launcher', 'kubevirt.io/created-by': created.metadata?.uid } },
      spec: { nodeName: NODE, containers: [{ name: 'compute', image: 'kubevirt-ts/virt-launcher:test' }] },
    });
    await h.client.patch(path, { status: { phase: 'Scheduled', nodeName: NODE, activePods: { 'pod-early': NODE } } });
    await h.startHandler();
    // While the pod lives, the handler waits for its launcher.
    await waitFor('the handler waiting for the launcher', () => (h.logs.some((l) => l.includes('launcher not reachable yet')) ? true : undefined), 15_000);
    assert.equal((await h.client.get<VirtualMachineInstance>(path)).status?.phase, 'Scheduled');
    await h.client.patch(`${podPath}/status`, { status: { phase: 'Failed' } });
    const failed = await waitFor('VMI Failed', async () => {
      const v = await h.client.get<VirtualMachineInstance>(path);
      return v.status?.phase === 'Failed' ? v : undefined;
    }, 15_000);
    assert.equal(failed.status?.reason, 'PodFailed');
  } catch (e) {
    throw new Error(`${String(e)}; handler log: ${h.logs.join(' | ')}`, { cause: e });
  } finally {
    await h.close();
  }
});
