import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '../../api/meta/index.js';
import type { KubeClient, WatchEvent } from '../../client/kube-client.js';
import { until } from '../../../test/fixtures/wait.js';
import { Scheduler, backoffMs } from './scheduler.js';
import type { Node, Pod } from './types.js';

/** One POST pods/binding the fake received; `settle` answers it (undefined: success). */
interface BindCall {
  readonly pod: string;
  readonly node: string;
  readonly at: number;
  settle: (err?: StatusError) => void;
}

/**
 * A fake API for the scheduler's client calls: lists and watches of the five collections it
 * informs on, pods/binding (held until the test settles each call), status patches and events.
 * A settled bind shows the pod bound on the pod watch unless the pod is in `lostBinds`.
 */
class FakeApi {
  readonly objects = new Map<string, Map<string, KubeObject>>();
  readonly binds: BindCall[] = [];
  /** The most binds the fake held unanswered at once. */
  maxInFlight = 0;
  private inFlight = 0;
  readonly events: { reason: string; message: string; pod: string }[] = [];
  readonly lostBinds = new Set<string>();
  /** Settles every bind as it arrives (undefined: the test settles them). */
  autoBind: ((call: BindCall) => StatusError | undefined) | undefined;
  private readonly watchers = new Map<string, Set<(e: WatchEvent<KubeObject>) => void>>();
  private rv = 1;

  put(collection: string, obj: KubeObject, type: 'ADDED' | 'MODIFIED' = 'ADDED'): void {
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    let m = this.objects.get(collection);
    if (!m) this.objects.set(collection, (m = new Map()));
    m.set(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`, stored);
    for (const w of this.watchers.get(collection) ?? []) w({ type, object: stored });
  }

  pod(name: string): Pod | undefined {
    return this.objects.get('/api/v1/pods')?.get(`ns/${name}`);
  }

  bindsOf(name: string): BindCall[] {
    return this.binds.filter((b) => b.pod === name);
  }

  client(): KubeClient {
    const api = {
      get: (path: string) => Promise.resolve({ items: [...(this.objects.get(path)?.values() ?? [])], metadata: { resourceVersion: String(this.rv) } }),
      watch: (path: string, _q: unknown, onEvent: (e: WatchEvent<KubeObject>) => void, signal?: AbortSignal) => {
        let set = this.watchers.get(path);
        if (!set) this.watchers.set(path, (set = new Set()));
        set.add(onEvent);
        return new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
      },
      create: (path: string, body: KubeObject) => this.create(path, body),
      patch: (path: string, body: { status?: Pod['status'] }) => {
        const m = /^\/api\/v1\/namespaces\/ns\/pods\/([^/]+)\/status$/.exec(path);
        const pod = m ? this.pod(m[1] ?? '') : undefined;
        if (pod) this.put('/api/v1/pods', { ...pod, status: { ...pod.status, ...body.status } }, 'MODIFIED');
        return Promise.resolve({});
      },
    };
    return api as unknown as KubeClient;
  }

  private create(path: string, body: KubeObject): Promise<unknown> {
    if (path.endsWith('/events')) {
      const e = body as unknown as { reason: string; message: string; involvedObject: { name: string } };
      this.events.push({ reason: e.reason, message: e.message, pod: e.involvedObject.name });
      return Promise.resolve(body);
    }
    const m = /^\/api\/v1\/namespaces\/ns\/pods\/([^/]+)\/binding$/.exec(path);
    if (!m) return Promise.reject(new StatusError(404, 'NotFound', `no fake for POST ${path}`));
    const name = m[1] ?? '';
    const node = (body as unknown as { target: { name: string } }).target.name;
    return new Promise((resolve, reject) => {
      const call: BindCall = {
        pod: name,
        node,
        at: Date.now(),
        settle: (err) => {
          this.inFlight -= 1;
          if (err) return reject(err);
          const pod = this.pod(name);
          if (pod && !this.lostBinds.has(name)) this.put('/api/v1/pods', { ...pod, spec: { ...pod.spec, nodeName: node } }, 'MODIFIED');
          resolve({ kind: 'Status', status: 'Success' });
        },
      };
      this.binds.push(call);
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      const auto = this.autoBind?.(call);
      if (this.autoBind) call.settle(auto);
    });
  }
}

const node = (name: string, alloc: Record<string, string>): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110', ...alloc }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (name: string, requests: Record<string, string>): Pod => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { containers: [{ name: 'compute', resources: { requests } }] },
  status: { phase: 'Pending' },
});

/** A scheduler over a fake API holding `nodes`; stopped by the returned function. */
async function started(nodes: Node[], opts: ConstructorParameters<typeof Scheduler>[1] = {}): Promise<{ api: FakeApi; sched: Scheduler; logs: string[] }> {
  const api = new FakeApi();
  for (const n of nodes) api.put('/api/v1/nodes', n);
  const logs: string[] = [];
  const sched = new Scheduler(api.client(), { log: (m) => logs.push(m), retryUnschedulableMs: 60_000, ...opts });
  await sched.start();
  return { api, sched, logs };
}

const KVM = 'devices.kubevirt.io/kvm';
const concurrent: { name: string; nodes: Node[]; requests: Record<string, string>; pods: number; fit: Record<string, number>; unschedulable: string }[] = [
  {
    name: 'kvm devices',
    nodes: [node('node01', { [KVM]: '3' }), node('node02', { [KVM]: '3' })],
    requests: { cpu: '50m', [KVM]: '1' },
    pods: 10,
    fit: { node01: 3, node02: 3 },
    unschedulable: `0/2 nodes are available: 2 Insufficient ${KVM}.`,
  },
  {
    name: 'cpu and memory',
    nodes: [node('node01', { cpu: '2', memory: '2Gi' }), node('node02', { cpu: '1', memory: '4Gi' })],
    requests: { cpu: '500m', memory: '1Gi' },
    pods: 9,
    fit: { node01: 2, node02: 2 },
    unschedulable: '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.',
  },
];
for (const c of concurrent) {
  test(`scheduler: ${c.pods} pods at once with binds in flight never exceed allocatable ${c.name}`, async () => {
    const { api, sched } = await started(c.nodes);
    try {
      for (let i = 0; i < c.pods; i++) api.put('/api/v1/pods', pod(`p${i}`, c.requests));
      const want = Object.values(c.fit).reduce((a, b) => a + b, 0);
      // Every bind is still unanswered: the rest were decided against the assumed pods.
      await until('binds in flight and the rest reported unschedulable', () => (api.binds.length === want && api.events.filter((e) => e.reason === 'FailedScheduling').length === c.pods - want ? true : undefined), 10_000, 5);
      const perNode = (n: string): number => api.binds.filter((b) => b.node === n).length;
      assert.deepEqual(Object.fromEntries(Object.keys(c.fit).map((n) => [n, perNode(n)])), c.fit);
      for (const e of api.events.filter((x) => x.reason === 'FailedScheduling')) assert.equal(e.message, c.unschedulable);
      for (const b of api.binds) b.settle();
      await until('Scheduled events', () => (api.events.filter((e) => e.reason === 'Scheduled').length === want ? true : undefined), 10_000, 5);
      for (const b of api.binds) assert.ok(api.events.some((e) => e.reason === 'Scheduled' && e.message === `Successfully assigned ns/${b.pod} to ${b.node}`));
      assert.equal(api.binds.length, want, 'no pod bound twice, no node overcommitted once confirmed');
      const cond = (api.pod(api.events.find((e) => e.reason === 'FailedScheduling')?.pod ?? '')?.status as { conditions?: { reason: string }[] }).conditions;
      assert.equal(cond?.[0]?.reason, 'Unschedulable');
    } finally {
      await sched.stop();
    }
  });
}

test('scheduler: a failed bind forgets the assumption and retries with back-off; 404 and 409 are not retried', async () => {
  const cases: { name: string; err: StatusError; wantAttempts: number; bound: boolean }[] = [
    { name: 'server error', err: new StatusError(500, 'InternalError', 'etcdserver: request timed out'), wantAttempts: 2, bound: true },
    { name: 'pod gone', err: new StatusError(404, 'NotFound', 'pods "a" not found'), wantAttempts: 1, bound: false },
    { name: 'bound elsewhere', err: new StatusError(409, 'Conflict', 'pod a is already assigned to node "node02"'), wantAttempts: 1, bound: false },
  ];
  for (const c of cases) {
    const { api, sched, logs } = await started([node('node01', { [KVM]: '1' })], { bindBackoffMs: { initial: 50, max: 200 } });
    try {
      api.put('/api/v1/pods', pod('a', { [KVM]: '1' }));
      await until('first bind', () => api.bindsOf('a')[0], 5_000, 5);
      // While a's bind is in flight, b finds the node full.
      api.put('/api/v1/pods', pod('b', { [KVM]: '1' }));
      await until('b unschedulable', () => api.events.find((e) => e.pod === 'b' && e.reason === 'FailedScheduling'), 5_000, 5);
      api.bindsOf('a')[0]?.settle(c.err);
      // The failure frees the node at once: b (retried on the freed room) takes it.
      const bBind = await until('b bound after a was forgotten', () => api.bindsOf('b')[0], 5_000, 5);
      assert.equal(bBind.node, 'node01', c.name);
      bBind.settle();
      if (c.wantAttempts > 1) {
        // a comes back after the back-off and now finds the node full (b holds it).
        await until('a retried and unschedulable', () => api.events.find((e) => e.pod === 'a' && e.reason === 'FailedScheduling'), 5_000, 5);
        assert.ok(logs.some((l) => l.includes('bind ns/a to node01') && l.includes('retrying in 50 ms')), c.name);
      }
      assert.equal(api.bindsOf('a').length, 1, c.name);
    } finally {
      await sched.stop();
    }
  }
});

test('scheduler: a pod whose bind failed is bound on retry once room is back', async () => {
  const { api, sched } = await started([node('node01', { [KVM]: '1' })], { bindBackoffMs: { initial: 30, max: 100 } });
  try {
    let failures = 2;
    api.autoBind = () => (failures-- > 0 ? new StatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request') : undefined);
    api.put('/api/v1/pods', pod('a', { [KVM]: '1' }));
    await until('a bound', () => api.pod('a')?.spec?.nodeName, 5_000, 5);
    const at = api.bindsOf('a').map((b) => b.at);
    assert.equal(at.length, 3);
    // Back-off doubles: 30 ms, then 60 ms.
    assert.ok((at[1] ?? 0) - (at[0] ?? 0) >= 25 && (at[2] ?? 0) - (at[1] ?? 0) >= 55, `attempts at ${at.join(', ')}`);
  } finally {
    await sched.stop();
  }
});

test('scheduler: a bind confirmed by the informer stays; one never seen bound expires and is redone', async () => {
  let clock = 0;
  const { api, sched, logs } = await started([node('node01', { [KVM]: '2' })], { assumedTtlMs: 1_000, cleanupPeriodMs: 5, now: () => clock });
  try {
    api.autoBind = () => undefined;
    api.lostBinds.add('lost');
    api.put('/api/v1/pods', pod('seen', { [KVM]: '1' }));
    api.put('/api/v1/pods', pod('lost', { [KVM]: '1' }));
    await until('seen confirmed', () => api.pod('seen')?.spec?.nodeName, 5_000, 5);
    await until('lost bound (unseen)', () => api.bindsOf('lost')[0], 5_000, 5);
    api.put('/api/v1/pods', pod('waiting', { [KVM]: '1' }));
    await until('waiting unschedulable', () => api.events.find((e) => e.pod === 'waiting' && e.reason === 'FailedScheduling'), 5_000, 5);
    clock += 999;
    clock += 1;
    // The expired pod goes back to the queue first and takes its room again, synchronously with the expiry.
    await until('lost bound again after expiry', () => api.bindsOf('lost')[1], 5_000, 5);
    assert.ok(logs.some((l) => l === 'assumed pod ns/lost expired: its binding was never seen'));
    assert.deepEqual(api.bindsOf('seen').length, 1);
    assert.equal(api.bindsOf('waiting').length, 0, 'the confirmed pod still holds its device');
  } finally {
    await sched.stop();
  }
});

test('scheduler: at most maxBindsInFlight binds are sent at once; the others stay assumed and follow in order', async () => {
  const { api, sched } = await started([node('node01', { [KVM]: '5' })], { maxBindsInFlight: 2 });
  try {
    for (let i = 0; i < 5; i++) api.put('/api/v1/pods', pod(`p${i}`, { [KVM]: '1' }));
    await until('two binds in flight', () => (api.binds.length === 2 ? true : undefined), 5_000, 5);
    // All five hold their device already: a sixth pod finds the node full.
    api.put('/api/v1/pods', pod('extra', { [KVM]: '1' }));
    await until('extra unschedulable', () => api.events.find((e) => e.pod === 'extra' && e.reason === 'FailedScheduling'), 5_000, 5);
    for (let settled = 0; settled < 5; settled++) {
      await until(`bind ${settled + 1}`, () => api.binds[settled], 5_000, 5);
      api.binds[settled]?.settle();
    }
    await until('all five bound', () => (api.binds.length === 5 && [0, 1, 2, 3, 4].every((i) => api.pod(`p${i}`)?.spec?.nodeName) ? true : undefined), 5_000, 5);
    assert.deepEqual(api.binds.map((b) => b.pod), ['p0', 'p1', 'p2', 'p3', 'p4']);
    assert.equal(api.maxInFlight, 2);
  } finally {
    await sched.stop();
  }
});

test('scheduler back-off: 1 s doubling to 10 s, as the scheduling queue', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n)), [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
});
