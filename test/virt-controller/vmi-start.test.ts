// Component test: the VMI controller against the in-process API server (real HTTP and watch):
// how many writes a VMI's start costs up to Scheduling, with VMIs created at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubevirtCrds } from '../../src/api/crds/definitions.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { EventRecorder } from '../../src/client/events.js';
import { InformerFactory, type ControllerDeps } from '../../src/virt-controller/common.js';
import { VMIController } from '../../src/virt-controller/vmi/controller.js';
import type { Pod } from '../../src/virt-controller/pod.js';
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import { until } from '../fixtures/wait.js';
import { startTestServer } from '../apiserver/harness.js';

const VMIS = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances';

test('VMIs created at once each get one launcher pod and go to Scheduling in one status write, with a SuccessfulCreate event; then Scheduled with the node label in one write', { timeout: 90_000 }, async () => {
  const ts = await startTestServer();
  const client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  const informers = new InformerFactory(client);
  let ctl: VMIController | undefined;
  const abort = new AbortController();
  let watching: Promise<unknown> = Promise.resolve();
  try {
    for (const crd of kubevirtCrds()) await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    await until('CRDs served', () => client.get(VMIS).then(() => true, () => undefined), 15_000, 50);
    const errors: string[] = [];
    const log = { info: () => undefined, error: (m: string, f?: Record<string, unknown>) => void errors.push(`${m} ${JSON.stringify(f)}`) };
    const deps: ControllerDeps = { client, recorder: new EventRecorder(client, 'virt-controller'), informers, now: () => new Date(), log };
    ctl = new VMIController(deps, { pod: { version: '0.1.0', cpuAllocationRatio: 10, useEmulation: true } });
    await informers.start();
    ctl.run();

    const list = await client.get<{ metadata: { resourceVersion: string } }>(VMIS);
    const modified = new Map<string, string[]>();
    /** Per VMI, its nodeName label and status.nodeName in the write that made it Scheduled. */
    const atScheduled = new Map<string, [string | undefined, string | undefined]>();
    watching = client.watch<VirtualMachineInstance>(VMIS, { resourceVersion: list.metadata.resourceVersion }, (e) => {
      const name = e.object.metadata?.name ?? '';
      if (e.type !== 'MODIFIED') return;
      modified.set(name, [...(modified.get(name) ?? []), e.object.status?.phase ?? '']);
      if (e.object.status?.phase === 'Scheduled' && !atScheduled.has(name)) atScheduled.set(name, [e.object.metadata?.labels?.['kubevirt.io/nodeName'], e.object.status.nodeName]);
    }, abort.signal).catch(() => undefined);
    const names = Array.from({ length: 8 }, (_, i) => `vmi-${i}`);
    await Promise.all(names.map((name) => client.create(VMIS, {
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: 'default' },
      spec: { domain: { devices: {}, memory: { guest: '64Mi' } } },
    })));
    const vmis = await until('all Scheduling', async () => {
      const items = (await client.get<{ items: VirtualMachineInstance[] }>(VMIS)).items;
      return items.length === names.length && items.every((v) => v.status?.phase === 'Scheduling') ? items : undefined;
    }, 60_000, 100);
    const pods = (await client.get<{ items: Pod[] }>('/api/v1/namespaces/default/pods')).items;
    for (const v of vmis) {
      const name = v.metadata?.name ?? '';
      assert.equal(pods.filter((p) => p.metadata.labels?.['kubevirt.io/created-by'] === v.metadata?.uid).length, 1, `${name}: one launcher pod`);
      assert.deepEqual(v.status?.phaseTransitionTimestamps?.map((p) => p.phase), ['Scheduling'], `${name}: '' -> Scheduling directly`);
    }
    await ctl.queue.idle();
    for (const name of names) assert.deepEqual(modified.get(name), ['Scheduling'], `${name}: one write up to Scheduling (no pod update follows here: no scheduler)`);
    const events = await until('SuccessfulCreate events', async () => {
      const items = (await client.get<{ items: { reason?: string; involvedObject?: { name?: string } }[] }>('/api/v1/namespaces/default/events')).items;
      return items.filter((e) => e.reason === 'SuccessfulCreate').length === names.length ? items : undefined;
    }, 15_000, 100);
    assert.deepEqual([...new Set(events.map((e) => e.reason))], ['SuccessfulCreate']);

    // Two launcher pods bound and running: their VMIs go Scheduled with status.nodeName and the
    // kubevirt.io/nodeName label in the same write, and nothing is written after it.
    const started = vmis.slice(0, 2);
    for (const v of started) {
      const pod = pods.find((p) => p.metadata.labels?.['kubevirt.io/created-by'] === v.metadata?.uid);
      const podName = pod?.metadata.name ?? '';
      await client.create(`/api/v1/namespaces/default/pods/${podName}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: podName }, target: { kind: 'Node', name: 'n1' } });
      await client.patch(`/api/v1/namespaces/default/pods/${podName}/status`, { status: { phase: 'Running' } });
    }
    await until('two VMIs Scheduled', () => (started.every((v) => atScheduled.has(v.metadata?.name ?? '')) ? true : undefined), 30_000, 100);
    await ctl.queue.idle();
    for (const v of started) {
      const name = v.metadata?.name ?? '';
      assert.deepEqual(atScheduled.get(name), ['n1', 'n1'], `${name}: label and status.nodeName written with Scheduled`);
      assert.deepEqual(modified.get(name), ['Scheduling', 'Scheduled'], `${name}: one write Scheduling -> Scheduled, the label not re-written`);
    }
    assert.deepEqual(errors, []);
  } finally {
    abort.abort();
    await watching;
    ctl?.stop();
    await informers.stop();
    client.close();
    await ts.close();
  }
});
