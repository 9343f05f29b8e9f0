/**
 * The node agent end to end against the in-process API server: node registration and lease,
 * a pod bound to the node runs (env from a ConfigMap, a file in an emptyDir), its log is
 * readable, it survives an agent restart, and a graceful delete removes it and its processes.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../apiserver/harness.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { NodeAgent } from '../../src/cluster/kubelet/node-agent.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import { removeNodeCgroups } from '../../src/cluster/kubelet/cgroups.js';
import { readPodLog } from '../../src/cluster/kubelet/logs.js';
import { isAlive } from '../../src/cluster/kubelet/procs.js';
import { StateDir } from '../../src/cluster/kubelet/pod-record.js';
import type { Node, Pod } from '../../src/cluster/kubelet/types.js';
import { StatusError } from '../../src/api/meta/index.js';

const skip = sandboxSupported() ? false : 'needs root, unshare and nsenter';
const NODE = 'kt-e2e01';
const stateDir = mkdtempSync('/var/tmp/kubelet-e2e-');
let ts: TestServer;
let client: KubeClient;

before(async () => {
  if (skip) return;
  ts = await startTestServer();
  client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
});
after(async () => {
  client?.close();
  await ts?.close();
  rmSync(stateDir, { recursive: true, force: true });
  removeNodeCgroups(NODE);
});

function newAgent(): NodeAgent {
  return new NodeAgent({ client, name: NODE, capacity: { cpu: '1', memory: '1Gi', pods: '110', 'ephemeral-storage': '10Gi' }, stateDir, repoDir: process.cwd(), heartbeatMs: 500 });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const podPath = '/api/v1/namespaces/default/pods/web';

test('the node agent registers, runs a pod, survives a restart and deletes it gracefully', { skip }, async () => {
  let agent = newAgent();
  await agent.start();
  try {
    const node = await client.get<Node>(`/api/v1/nodes/${NODE}`);
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], NODE);
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(node.status?.capacity?.pods, '110');
    const lease = await client.get<{ spec?: { holderIdentity?: string; renewTime?: string } }>(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`);
    assert.equal(lease.spec?.holderIdentity, NODE);

    // Extended resources patched by others survive the next heartbeat.
    await client.patch(`/api/v1/nodes/${NODE}/status`, { status: { capacity: { 'devices.kubevirt.io/kvm': '1k' } } });
    await waitFor('a heartbeat after the patch', async () => {
      const l = await client.get<{ spec?: { renewTime?: string } }>(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`);
      return l.spec?.renewTime !== lease.spec?.renewTime ? true : undefined;
    });
    assert.equal((await client.get<Node>(`/api/v1/nodes/${NODE}`)).status?.capacity?.['devices.kubevirt.io/kvm'], '1k');

    await client.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { greeting: 'hello from a configmap' } });
    await client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 5,
        volumes: [{ name: 'scratch', emptyDir: {} }],
        containers: [{
          name: 'main',
          image: 'kubevirt-ts/host:latest',
          command: ['/bin/sh', '-c', 'echo "$GREETING" > /scratch/out; echo "up as $POD_NAME"; trap "echo bye; exit 0" TERM; while :; do sleep 1; done'],
          env: [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'greeting' } } },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
        }],
      },
    });
    const running = await waitFor('the pod to be Running and Ready', async () => {
      const p = await client.get<Pod>(podPath);
      return p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
    assert.equal(running.status?.hostIP, '127.0.0.1');
    assert.equal(running.status?.qosClass, 'BestEffort');
    assert.ok(running.status?.startTime);
    const uid = running.metadata?.uid ?? '';
    const out = join(stateDir, 'pods', uid, 'volumes', 'scratch', 'out');
    await waitFor('the emptyDir file', () => Promise.resolve(existsSync(out) ? true : undefined));
    assert.equal(readFileSync(out, 'utf8'), 'hello from a configmap\n');
    assert.equal(await waitFor('the log', async () => ((await readPodLog(stateDir, 'default', 'web', 'main', {})) || undefined)), 'up as web\n');

    // kill -9 equivalent: the agent goes away without touching its pods; a new one re-adopts.
    const pid = new StateDir(stateDir).load(uid)?.containers.main?.proc?.pid;
    await agent.stop();
    agent = newAgent();
    await agent.start();
    await new Promise((r) => setTimeout(r, 1500));
    const after = await client.get<Pod>(podPath);
    assert.equal(after.status?.phase, 'Running');
    assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(new StateDir(stateDir).load(uid)?.containers.main?.proc?.pid, pid);

    const sandbox = new StateDir(stateDir).load(uid)?.sandbox;
    await client.delete(podPath);
    await waitFor('the pod to be deleted', async () => {
      try {
        await client.get(podPath);
        return undefined;
      } catch (e) {
        return e instanceof StatusError && e.code === 404 ? true : undefined;
      }
    });
    assert.equal(isAlive(sandbox?.pid ?? 0, sandbox?.startTime ?? ''), false, 'sandbox process gone');
    assert.equal(existsSync(join(stateDir, 'pods', uid)), false);
  } finally {
    await agent.stop({ releasePods: true });
  }
});
