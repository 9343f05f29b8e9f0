import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerReadiness, countBy, evaluate, handlerReadiness, renderStatus, STATUS_EXIT, type Observed, type ObservedNode } from './report.js';
import type { UpRecord } from './up-record.js';

const now = new Date('2026-11-27T04:00:00Z');
const ago = (s: number): string => new Date(now.getTime() - s * 1000).toISOString();

const record: UpRecord = {
  pid: 4242, processStartTime: '100', phase: 'Running', startedAt: ago(600), url: 'https://127.0.0.1:6443',
  kubeconfig: '/d/kubeconfig', nodes: 2, controlPlaneOnly: false, heartbeatSeconds: 60,
};

function node(name: string, o: { ready?: string; beat?: number; schedulable?: string } = {}): ObservedNode {
  return {
    metadata: {
      name,
      labels: { 'kubevirt.io/schedulable': o.schedulable ?? 'true' },
      annotations: o.beat === -1 ? {} : { 'kubevirt.io/heartbeat': ago(o.beat ?? 10) },
    },
    status: { conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: o.ready === 'False' ? 'KubeletNotReady' : 'KubeletReady', message: 'kubelet is posting ready status' }] },
  };
}

/** A healthy cluster of two nodes with VMs and VMIs; each case changes one thing. */
function healthy(over: Partial<Observed> = {}): Observed {
  return {
    dataDir: '/d', kubeconfig: '/d/kubeconfig', record, upAlive: true, api: { ready: true }, now,
    nodes: [node('node01'), node('node02')],
    controllerLease: { spec: { holderIdentity: 'virt-controller-1', renewTime: ago(3), leaseDurationSeconds: 15 } },
    schedulerLease: { spec: { holderIdentity: 'kube-scheduler-1', renewTime: ago(2), leaseDurationSeconds: 15 } },
    apiService: { status: { conditions: [{ type: 'Available', status: 'True', reason: 'Passed' }] } },
    virtApiHealth: { ok: true, message: 'ok' },
    vmis: [{ status: { phase: 'Running' } }, { status: { phase: 'Running' } }, { status: {} }, { status: { phase: 'Failed' } }],
    vms: [{ status: { printableStatus: 'Running' } }, {}],
    ...over,
  };
}

test('evaluate: state, exit code and the problem named, one case per way a cluster is not ready', () => {
  const cases: { name: string; o: Observed; state: string; code: number; problem?: RegExp }[] = [
    { name: 'all ready', o: healthy(), state: 'Running', code: 0 },
    { name: 'no record', o: healthy({ record: undefined, upAlive: false }), state: 'NotRunning', code: 3, problem: /no kubevirt-ts up runs for \/d/ },
    { name: 'up died', o: healthy({ upAlive: false }), state: 'NotRunning', code: 3, problem: /up \(pid 4242\) is no longer running/ },
    { name: 'still starting', o: healthy({ record: { ...record, phase: 'Starting' } }), state: 'Degraded', code: 2, problem: /still starting/ },
    { name: 'API server not answering', o: healthy({ api: { ready: false, message: 'connect ECONNREFUSED' } }), state: 'Degraded', code: 2, problem: /API server not ready: connect ECONNREFUSED/ },
    { name: 'node not ready', o: healthy({ nodes: [node('node01'), node('node02', { ready: 'False' })] }), state: 'Degraded', code: 2, problem: /node node02 not ready: KubeletNotReady/ },
    { name: 'node missing', o: healthy({ nodes: [node('node01')] }), state: 'Degraded', code: 2, problem: /1 of 2 nodes registered/ },
    { name: 'handler silent', o: healthy({ nodes: [node('node01'), node('node02', { beat: 301 })] }), state: 'Degraded', code: 2, problem: /virt-handler on node02 not ready: last heartbeat 301s ago/ },
    { name: 'handler never beat', o: healthy({ nodes: [node('node01', { beat: -1 }), node('node02')] }), state: 'Degraded', code: 2, problem: /virt-handler on node01 not ready: no heartbeat yet/ },
    { name: 'node unschedulable', o: healthy({ nodes: [node('node01', { schedulable: 'false' }), node('node02')] }), state: 'Degraded', code: 2, problem: /kubevirt.io\/schedulable=false/ },
    { name: 'no controller leader', o: healthy({ controllerLease: null }), state: 'Degraded', code: 2, problem: /virt-controller not ready: no leader/ },
    { name: 'controller lease expired', o: healthy({ controllerLease: { spec: { holderIdentity: 'c1', renewTime: ago(40), leaseDurationSeconds: 15 } } }), state: 'Degraded', code: 2, problem: /has not renewed for 40s/ },
    { name: 'no scheduler leader', o: healthy({ schedulerLease: null }), state: 'Degraded', code: 2, problem: /kube-scheduler not ready: no leader holds the kube-scheduler Lease/ },
    { name: 'scheduler lease expired', o: healthy({ schedulerLease: { spec: { holderIdentity: 's1', renewTime: ago(20), leaseDurationSeconds: 15 } } }), state: 'Degraded', code: 2, problem: /kube-scheduler not ready: leader s1 has not renewed for 20s/ },
    { name: 'no APIService', o: healthy({ apiService: null }), state: 'Degraded', code: 2, problem: /virt-api not ready: APIService v1.subresources.kubevirt.io not registered/ },
    { name: 'APIService unavailable', o: healthy({ apiService: { status: { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }] } } }), state: 'Degraded', code: 2, problem: /FailedDiscoveryCheck/ },
    { name: 'virt-api unhealthy', o: healthy({ virtApiHealth: { ok: false, message: 'apiserver not reachable' } }), state: 'Degraded', code: 2, problem: /healthz: apiserver not reachable/ },
    { name: 'control plane only', o: healthy({ record: { ...record, controlPlaneOnly: true, nodes: 1 }, nodes: [], controllerLease: null, schedulerLease: null, apiService: null }), state: 'Running', code: 0 },
  ];
  for (const c of cases) {
    const r = evaluate(c.o);
    assert.equal(r.state, c.state, c.name);
    assert.equal(r.exitCode, c.code, c.name);
    if (c.problem) assert.match(r.problems.join('\n'), c.problem, c.name);
    else assert.deepEqual(r.problems, [], c.name);
  }
  assert.deepEqual(Object.values(STATUS_EXIT), [0, 2, 3]);
});

test('evaluate lists each node, one virt-handler per node, and VMIs and VMs counted by phase', () => {
  const r = evaluate(healthy());
  assert.deepEqual(r.nodes.map((n) => [n.name, n.ready]), [['node01', true], ['node02', true]]);
  assert.deepEqual(r.components.map((c) => [c.name, c.node, c.ready]), [['virt-api', undefined, true], ['virt-controller', undefined, true], ['kube-scheduler', undefined, true], ['virt-handler', 'node01', true], ['virt-handler', 'node02', true]]);
  assert.deepEqual(r.vmis, { Failed: 1, Pending: 1, Running: 2 });
  assert.deepEqual(r.vms, { Running: 1, Stopped: 1 });
  assert.deepEqual(r.up, { pid: 4242, phase: 'Running', startedAt: ago(600) });
  assert.deepEqual(r.apiServer, { url: 'https://127.0.0.1:6443', ready: true });
});

test('readiness helpers read heartbeats and leases against the clock', () => {
  assert.equal(handlerReadiness(node('n', { beat: 10 }), 2, now).ready, true);
  assert.equal(handlerReadiness(node('n', { beat: 11 }), 2, now).ready, false, 'more than 5 periods of 2 s');
  assert.equal(controllerReadiness({ spec: { holderIdentity: 'a', acquireTime: ago(5) } }, now).ready, true, 'acquireTime when never renewed, default 15 s lease');
  assert.equal(controllerReadiness({ spec: { holderIdentity: 'a' } }, now).ready, false, 'no time at all');
  assert.deepEqual(countBy([{ k: 'b' }, { k: 'a' }, { k: '' }, { k: 'b' }], (x) => x.k, 'none'), { a: 1, b: 2, none: 1 });
});

test('renderStatus prints the summary, the node and component tables, counts and problems', () => {
  const text = renderStatus(evaluate(healthy({ nodes: [node('node01'), node('node02', { beat: 400 })] }))).join('\n');
  assert.match(text, /^kubevirt-ts: degraded \(up pid 4242, Running since /);
  assert.match(text, /^API server: https:\/\/127\.0\.0\.1:6443 ready$/m);
  assert.match(text, /^kubeconfig: \/d\/kubeconfig$/m);
  assert.match(text, /^NODE\s+READY\s+MESSAGE$/m);
  assert.match(text, /^virt-handler\s+node02\s+false\s+last heartbeat 400s ago \(period 60s\)$/m);
  assert.match(text, /^virt-controller\s+-\s+true\s+leader virt-controller-1$/m);
  assert.match(text, /^kube-scheduler\s+-\s+true\s+leader kube-scheduler-1$/m);
  assert.match(text, /^VMIs: 1 Failed, 1 Pending, 2 Running$/m);
  assert.match(text, /^VMs: {2}1 Running, 1 Stopped$/m);
  assert.match(text, /^problem: virt-handler on node02 not ready/m);
  const down = renderStatus(evaluate(healthy({ record: undefined, upAlive: false })));
  assert.deepEqual(down, ['kubevirt-ts: not running (no kubevirt-ts up runs for /d)', 'data dir:   /d']);
});
