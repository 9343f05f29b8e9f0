/**
 * CPU per event of the watch fan-out (hub dispatch, selection, served copy, event line bytes, per
 * turn batching), without store or sockets: pod and VMI events as the 50-VMI stack run makes them,
 * to the watchers its components hold (node agents: pods by spec.nodeName; kube-scheduler and
 * virt-controller: all pods/VMIs; virt-handlers: VMIs by node label; the bench: its namespace).
 * --root DIR runs another tree's modules too (e.g. /work/main) and alternates the two, round by round.
 * --only-root runs only --root's tree; --no-bytes leaves out the event lines and their batching.
 * Usage: node --import tsx bench/apiserver/watch-fanout.ts [--root DIR [--only-root]] [--events N] [--rounds N] [--no-bytes]
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

const { values: args } = parseArgs({ options: { root: { type: 'string' }, events: { type: 'string' }, rounds: { type: 'string' }, 'no-bytes': { type: 'boolean' }, 'only-root': { type: 'boolean' } } });
const events = Number(args.events ?? 20_000);
const rounds = Number(args.rounds ?? 5);
const here = resolve(new URL('../..', import.meta.url).pathname);
const roots = args.root ? (args['only-root'] ? [resolve(args.root)] : [here, resolve(args.root)]) : [here];

interface Ev { type: 'ADDED' | 'MODIFIED'; resource: string; namespace: string; name: string; rv: number; object: Record<string, unknown>; prev?: Record<string, unknown> }

const info = (group: string, version: string, kind: string, plural: string) => ({ group, version, kind, plural, namespaced: true, verbs: ['watch'], subresources: ['status'] });
const pods = { info: info('', 'v1', 'Pod', 'pods'), hooks: {} };
const vmis = { info: info('kubevirt.io', 'v1', 'VirtualMachineInstance', 'virtualmachineinstances'), hooks: {} };

const managed = Array.from({ length: 4 }, (_, i) => ({ manager: `m${i}`, operation: 'Update', apiVersion: 'v1', time: '2026-11-27T23:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { [`f:l${i}`]: {} } }, 'f:status': { 'f:phase': {} } } }));
/** The i-th write of object k: pods move from unscheduled to a node, VMIs get a node label. */
function objectOf(kind: 'pod' | 'vmi', k: number, i: number, ns: string): Record<string, unknown> {
  const node = i % 3 === 0 ? '' : `node0${(k % 2) + 1}`;
  const labels: Record<string, string> = { 'kubevirt.io': 'virt-launcher', 'vm.kubevirt.io/name': `v${k}` };
  if (kind === 'vmi' && node) labels['kubevirt.io/nodeName'] = node;
  return {
    apiVersion: kind === 'pod' ? 'v1' : 'kubevirt.io/v1', kind: kind === 'pod' ? 'Pod' : 'VirtualMachineInstance',
    metadata: { name: `${kind}-${k}`, namespace: ns, uid: `uid-${kind}-${k}`, resourceVersion: String(i + 1), labels, managedFields: managed, annotations: { 'kubevirt.io/domain': `v${k}` } },
    spec: kind === 'pod' ? { nodeName: node || undefined, containers: [{ name: 'compute', image: 'virt-launcher', resources: { requests: { cpu: '50m', memory: '64Mi' } } }], schedulerName: 'default-scheduler' } : { domain: { cpu: { cores: 1 }, devices: {} }, nodeSelector: { x: 'y' } },
    status: { phase: ['Pending', 'Scheduled', 'Running'][i % 3], conditions: [{ type: 'Ready', status: i % 2 ? 'True' : 'False' }] },
  };
}

async function load(root: string) {
  const m = (p: string) => import(`${root}/src/cluster/apiserver/${p}`);
  const [hub, watch, read, sel, batch, lines, memo] = await Promise.all([m('watch/hub.ts'), m('watch/watch.ts'), m('rest/read.ts'), m('selectors/index.ts'), m('http/watch-batch.ts'), m('http/watch-lines.ts'), m('store/json-memo.ts')]);
  let listener: ((ev: Ev) => void) | undefined;
  const store = { subscribe: (l: (ev: Ev) => void) => ((listener = l), () => undefined), currentRv: () => 0, eventsSince: () => [], list: () => ({ items: [] }) };
  const deps = { store, registry: {}, modules: { selectors: sel.selectors }, now: () => new Date() };
  const h = new hub.WatchHub(store);
  let bytes = 0;
  const batches: { flush(): void }[] = [];
  const watchOf = (r: typeof pods, namespace: string, q: { fieldSelector?: string; labelSelector?: string }) => {
    const b = new batch.WatchBatch({ write: (c: Buffer) => (bytes += c.length) });
    batches.push(b);
    watch.startWatch(deps, h, { resource: r, namespace, selection: read.parseSelection(deps, r, q), resourceVersion: '1', allowBookmarks: false }, (type: string, o: unknown) => (args['no-bytes'] ? (bytes += type.length + (o ? 1 : 0)) : b.push(lines.eventBytes(type, o))));
  };
  watchOf(pods, '', { fieldSelector: 'spec.nodeName=node01' });
  watchOf(pods, '', { fieldSelector: 'spec.nodeName=node02' });
  watchOf(pods, '', {});
  watchOf(pods, '', { labelSelector: 'kubevirt.io' });
  watchOf(pods, 'bench', {});
  watchOf(vmis, '', {});
  watchOf(vmis, '', { labelSelector: 'kubevirt.io/nodeName=node01' });
  watchOf(vmis, '', { labelSelector: 'kubevirt.io/nodeName=node02' });
  watchOf(vmis, 'bench', {});
  return { emit: (ev: Ev) => listener?.(ev), flush: () => batches.forEach((b) => b.flush()), remember: memo.rememberJson as (o: object, j: string) => void, bytes: () => bytes };
}

/** Events as the store makes them: fresh objects with their JSON remembered, each with its previous form. */
const sink: Buffer[] = [];
function eventsFor(remember: (o: object, j: string) => void): Ev[] {
  const out: Ev[] = [];
  const last = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < events; i++) {
    const kind = i % 2 ? 'vmi' : 'pod';
    const k = Math.floor(i / 20) % 50;
    const object = objectOf(kind, k, Math.floor(i / 2) % 10, i % 5 === 0 ? 'other' : 'bench');
    const json = JSON.stringify(object);
    // The store writes the text to SQLite before it dispatches, which leaves V8's string flat.
    sink.push(Buffer.from(json));
    if (sink.length > 64) sink.length = 0;
    remember(object, json);
    const key = `${kind}/${k}/${object.metadata && (object.metadata as { namespace: string }).namespace}`;
    const prev = last.get(key);
    last.set(key, object);
    const ns = (object.metadata as { namespace: string }).namespace;
    out.push({ type: prev ? 'MODIFIED' : 'ADDED', resource: kind === 'pod' ? '/pods' : 'kubevirt.io/virtualmachineinstances', namespace: ns, name: `${kind}-${k}`, rv: i + 2, object, prev });
  }
  return out;
}

const trees = await Promise.all(roots.map(async (root) => ({ root, t: await load(root) })));
const results = new Map<string, number[]>();
for (let round = 0; round <= rounds; round++) {
  for (const { root, t } of round % 2 ? [...trees].reverse() : trees) {
    const evs = eventsFor(t.remember);
    const c0 = process.cpuUsage();
    for (let i = 0; i < evs.length; i++) {
      t.emit(evs[i] as Ev);
      if (i % 8 === 7) t.flush(); // about eight writes commit per loop turn in a burst
    }
    t.flush();
    const c = process.cpuUsage(c0);
    const us = (c.user + c.system) / evs.length;
    if (round > 0) results.set(root, [...(results.get(root) ?? []), us]); // round 0 warms the JIT up
  }
}
for (const [root, xs] of results) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`${root}: CPU µs per event median ${s[Math.floor(s.length / 2)]?.toFixed(2)} (rounds ${xs.map((x) => x.toFixed(2)).join(' ')})`);
}
