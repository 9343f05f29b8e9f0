/**
 * startNodes end to end: two node agents register node01 and node02 with the machine split
 * between them; a pod on node02 gets a pod-network IP from that node's CIDR; shutdown with
 * releasePods leaves no sandbox, veth or bridge behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeNet } from '../../src/cluster/network/index.js';
import { useCluster } from './harness.js';
import { startNodes } from '../../src/cluster/nodes.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import type { KubeList } from '../../src/api/meta/index.js';
import type { Node, Pod } from '../../src/cluster/kubelet/types.js';

const skip = sandboxSupported() && existsSync('/usr/sbin/nft') ? false : 'needs root, unshare, nsenter and nft';
const cluster = useCluster({ skip, prefix: 'kubelet-nodes', nodes: ['node01', 'node02'] });
const dataDir = cluster.dir;

test('two nodes register and a pod on node02 gets an IP on its pod network', { skip }, async () => {
  const client = cluster.client();
  const nodes = await startNodes({ client, count: 2, dataDir, repoDir: process.cwd(), heartbeatMs: 1000 });
  try {
    const list = await client.get<KubeList<Node>>('/api/v1/nodes');
    assert.deepEqual(list.items.map((n) => n.metadata?.name).sort(), ['node01', 'node02']);
    assert.equal(list.items[0]?.status?.capacity?.pods, '110');
    await client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'net' },
      spec: { nodeName: 'node02', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'kubevirt-ts/host:latest', command: ['sleep', '60'] }] },
    });
    const deadline = Date.now() + 20_000;
    let pod: Pod | undefined;
    while (Date.now() < deadline) {
      pod = await client.get<Pod>('/api/v1/namespaces/default/pods/net');
      if (pod.status?.phase === 'Running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(pod?.status?.phase, 'Running', JSON.stringify(pod?.status));
    assert.match(pod?.status?.podIP ?? '', /^10\.2\d\d\.2\.\d+$/);
  } finally {
    await nodes.stop({ releasePods: true });
  }
  const slot = Number(readFileSync(join(dataDir, 'nodes', 'network-slot'), 'utf8').trim());
  assert.equal(existsSync(`/sys/class/net/${nodeNet(2, slot).bridge}`), false, 'bridge removed');
});
