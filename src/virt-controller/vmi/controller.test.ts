import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { KubeObject } from '../../api/meta/index.js';
import type { EventRecorder } from '../../client/events.js';
import type { KubeClient, WatchEvent } from '../../client/kube-client.js';
import { until } from '../../../test/fixtures/wait.js';
import { InformerFactory, type ControllerDeps } from '../common.js';
import type { Pod } from '../pod.js';
import { VMIController } from './controller.js';

/**
 * A fake API: empty lists, watches fed by the test, and every write recorded; a POSTed pod is
 * only answered when the test releases it, so the test controls what is in flight.
 */
class FakeApi {
  readonly writes: string[] = [];
  private readonly watchers = new Map<string, (e: WatchEvent) => void>();
  private readonly heldPods: (() => void)[] = [];
  private seq = 0;

  client(): KubeClient {
    const fake = {
      get: () => Promise.resolve({ metadata: { resourceVersion: '1' }, items: [] }),
      watch: (path: string, _q: unknown, onEvent: (e: WatchEvent) => void, signal?: AbortSignal) => {
        this.watchers.set(path.split('?')[0] ?? path, onEvent);
        return new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
      },
      create: (path: string, body: KubeObject) => {
        this.writes.push(`POST ${path}`);
        const obj = { ...body, metadata: { ...body.metadata, name: `${body.metadata?.generateName ?? ''}x${++this.seq}`, uid: `pod-${this.seq}`, resourceVersion: String(100 + this.seq), creationTimestamp: '2026-01-01T00:00:00Z' } };
        return new Promise((resolve) => this.heldPods.push(() => resolve(obj)));
      },
      replace: (path: string, body: KubeObject) => {
        this.writes.push(`PUT ${path}`);
        return Promise.resolve({ ...body, metadata: { ...body.metadata, resourceVersion: String(200 + ++this.seq) } });
      },
      patch: () => Promise.resolve({}),
      delete: () => Promise.resolve({}),
    };
    return fake as unknown as KubeClient;
  }

  /** Delivers a watch event on the collection `path`. */
  emit(path: string, type: WatchEvent['type'], object: KubeObject): void {
    const w = this.watchers.get(path);
    assert.ok(w, `a watch on ${path}`);
    w({ type, object });
  }

  get watching(): number {
    return this.watchers.size;
  }

  /** Answers the oldest held pod POST. */
  releasePod(): void {
    this.heldPods.shift()?.();
  }
}

const vmi = (name: string): VirtualMachineInstance => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '10' },
  spec: { domain: { devices: {}, memory: { guest: '64Mi' } } },
});

test('VMI controller: a new VMI\'s sync only POSTs its pod; the Scheduling write follows the pod\'s ADDED event, so one worker creates the next VMI\'s pod first', async () => {
  const api = new FakeApi();
  const client = api.client();
  const informers = new InformerFactory(client);
  const recorder = { record: () => Promise.resolve() } as unknown as EventRecorder;
  const deps: ControllerDeps = { client, recorder, informers, now: () => new Date('2026-01-01T00:00:00Z'), log: { info: () => undefined, error: () => undefined } };
  const ctl = new VMIController(deps, { pod: { version: '0.1.0', cpuAllocationRatio: 10, useEmulation: true }, workers: 1 });
  await informers.start();
  ctl.run();
  try {
    await until('watches open', () => (api.watching >= 3 ? true : undefined), 5_000, 5);
    const VMIS = '/apis/kubevirt.io/v1/virtualmachineinstances';
    const PODS = '/api/v1/pods';
    api.emit(VMIS, 'ADDED', vmi('a'));
    api.emit(VMIS, 'ADDED', vmi('b'));
    await until('pod of a POSTed', () => (api.writes.length === 1 ? true : undefined), 5_000, 5);
    api.releasePod();
    // The one worker goes on to b's pod without a status write for a in between.
    await until('pod of b POSTed', () => (api.writes.length >= 2 ? true : undefined), 5_000, 5);
    assert.deepEqual(api.writes, ['POST /api/v1/namespaces/default/pods', 'POST /api/v1/namespaces/default/pods']);
    api.releasePod();
    await ctl.queue.idle();
    assert.equal(api.writes.length, 2, 'no status write before the pods are seen');

    // The pods' ADDED events: each VMI goes '' -> Scheduling in one update.
    for (const name of ['a', 'b']) {
      const pod: Pod = {
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          name: `virt-launcher-${name}-x`, namespace: 'default', uid: `pod-${name}`, resourceVersion: '50', creationTimestamp: '2026-01-01T00:00:00Z',
          labels: { 'kubevirt.io': 'virt-launcher', 'kubevirt.io/created-by': `uid-${name}` },
          ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name, uid: `uid-${name}`, controller: true }],
        },
        spec: { containers: [] },
        status: { phase: 'Pending' },
      };
      api.emit(PODS, 'ADDED', pod);
    }
    await until('both statuses written', () => (api.writes.length === 4 ? true : undefined), 5_000, 5);
    await ctl.queue.idle();
    assert.deepEqual(api.writes.slice(2), [
      'PUT /apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/a',
      'PUT /apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/b',
    ]);
  } finally {
    ctl.stop();
    await informers.stop();
  }
});
