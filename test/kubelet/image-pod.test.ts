/**
 * A container from a pulled image, end to end at the component level: a busybox image built by
 * the test and pushed to a loopback docker-registry, pulled by the node's ImageStore, run chrooted
 * in an overlay root with the image's Cmd, Env and WorkingDir, /proc, /dev, /etc files and a
 * volume under a symlinked path that refreshes when its ConfigMap changes; exec enters the same root.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { useCluster } from './harness.js';
import { NodeAgent } from '../../src/cluster/kubelet/node-agent.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import { readPodLog } from '../../src/cluster/kubelet/logs.js';
import { ImageStore } from '../../src/cluster/images/index.js';
import type { Pod } from '../../src/cluster/kubelet/types.js';
import { pushOciLayout } from '../fixtures/oci-push.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { until } from '../fixtures/wait.js';
import { writeBusyboxLayout } from '../node/busybox-image.js';
import { startExec } from '../../src/cluster/kubelet/exec.js';

const skip = !sandboxSupported() ? 'needs root, unshare and nsenter' : !existsSync('/usr/bin/docker-registry') ? 'needs docker-registry' : false;
const NODE = 'kt-image01';
const cluster = useCluster({ skip, prefix: 'kubelet-image', nodes: [NODE] });
let reg: RegistryFixture | undefined;
let image = '';
const work = mkdtempSync('/var/tmp/kubelet-image-work-');

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  const pushed = await pushOciLayout(await writeBusyboxLayout(join(work, 'layout')), { registry: reg.url, repository: 'kvts/busybox', tag: 'v1' });
  image = pushed.reference;
});
after(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

function execOut(agent: NodeAgent, command: string[]): Promise<{ code: number | null; out: string }> {
  const rt = agent.runtimeOf('default', 'bb', 'main');
  if (typeof rt === 'string') throw new Error(rt);
  const child = startExec(rt, { command, stdin: false, tty: false });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

test('a pulled image runs chrooted with its config, /proc, /dev, /etc files and volumes', { skip, timeout: 120_000 }, async () => {
  const client = cluster.client();
  const agent = new NodeAgent({ client, name: NODE, capacity: { cpu: '1', memory: '1Gi', pods: '110' }, stateDir: cluster.dir, repoDir: process.cwd(), heartbeatMs: 1000, imageStore: new ImageStore({ dir: join(work, 'images') }) });
  await agent.start();
  try {
    await client.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bb' }, data: { key: 'cm-value' } });
    await client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bb' },
      spec: {
        nodeName: NODE, terminationGracePeriodSeconds: 1,
        volumes: [{ name: 'cm', configMap: { name: 'bb' } }, { name: 'scratch', emptyDir: {} }],
        containers: [{ name: 'main', image, env: [{ name: 'POD_VAR', value: 'from-pod' }], volumeMounts: [{ name: 'cm', mountPath: '/var/run/config', readOnly: true }, { name: 'scratch', mountPath: '/data' }] }],
      },
    });
    const pod = await until('the image pod to run', async () => {
      const p = await client.get<Pod>('/api/v1/namespaces/default/pods/bb');
      return p.status?.phase === 'Running' ? p : undefined;
    }, 60_000, 200);
    assert.match(pod.status?.containerStatuses?.[0]?.imageID ?? '', /^sha256:/);
    assert.equal(await until('the default command to log', async () => (await readPodLog(cluster.dir, 'default', 'bb', 'main', {}).catch(() => '')) || undefined, 20_000, 200), 'default cmd in /work with from-image\n');
    const cases: [string[], RegExp][] = [
      [['sh', '-c', 'echo $IMAGE_VAR $POD_VAR; pwd'], /^from-image from-pod\n\/work\n$/],
      [['cat', '/run/config/key'], /^cm-value$/],
      [['sh', '-c', 'echo x > /data/f && cat /data/f'], /^x\n$/],
      [['sh', '-c', 'echo no > /run/config/key'], /Read-only file system/],
      [['cat', '/etc/hostname'], /^bb\n$/],
      [['grep', 'localhost', '/etc/hosts'], /127\.0\.0\.1\tlocalhost/],
      [['sh', '-c', 'test -s /etc/resolv.conf && test -c /dev/null && test -d /proc/self && echo ok'], /^ok\n$/],
      [['ls', '/usr'], /No such file or directory/],
    ];
    for (const [cmd, want] of cases) assert.match((await execOut(agent, cmd)).out, want, cmd.join(' '));
    assert.equal(existsSync('/run/config/key'), false, 'volume paths stay inside the root');
    // A changed ConfigMap reaches the mounted volume (atomic ..data swap) without a restart.
    await client.patch('/api/v1/namespaces/default/configmaps/bb', { data: { key: 'cm-value-2' } });
    await until('the configMap volume to refresh', async () => ((await execOut(agent, ['cat', '/run/config/key'])).out === 'cm-value-2' ? true : undefined), 30_000, 500);
  } finally {
    await agent.stop({ releasePods: true });
  }
});
