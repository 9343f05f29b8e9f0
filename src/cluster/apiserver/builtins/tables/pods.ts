/**
 * The pod table: READY, STATUS (reason as kubectl shows it: Init:x/y, CrashLoopBackOff,
 * Completed, Terminating...), RESTARTS with "(5m ago)", and the wide IP/NODE/... columns.
 */
import type { TableColumnDefinition } from '../../contracts.js';
import { arr, rec, recs, str, type Obj } from '../util.js';
import { AGE_COLUMN, ageOf, col, metaOf, NAME_COLUMN, nameOf, num, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';

export const podColumns: TableColumnDefinition[] = [
  NAME_COLUMN,
  col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'The aggregate status of the containers in this pod.'),
  col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE_COLUMN,
  wide('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
  wide('Node', 'NodeName indicates in which node this pod is scheduled.'),
  wide('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
  wide('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'),
];

interface Restarts {
  count: number;
  last: string | undefined;
}

function noteRestart(r: Restarts, status: Obj): void {
  r.count += num(status.restartCount);
  const finished = str(rec(rec(status.lastState)?.terminated)?.finishedAt);
  if (finished && (!r.last || Date.parse(finished) > Date.parse(r.last))) r.last = finished;
}

function terminatedReason(t: Obj, prefix: string): string {
  if (str(t.reason)) return `${prefix}${String(t.reason)}`;
  return num(t.signal) !== 0 ? `${prefix}Signal:${num(t.signal)}` : `${prefix}ExitCode:${num(t.exitCode)}`;
}

const conditionTrue = (status: Obj, type: string): boolean => recs(status.conditions).some((c) => c.type === type && c.status === 'True');

interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: Restarts;
}

/** READY, STATUS and RESTARTS of a pod, computed as kube-apiserver's printPod does. */
export function summarizePod(pod: Obj): PodSummary {
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  const initSpecs = new Map(recs(spec.initContainers).map((c) => [str(c.name) ?? '', c]));
  const sidecar = (name: unknown): boolean => initSpecs.get(str(name) ?? '')?.restartPolicy === 'Always';
  const total = arr(spec.containers).length + [...initSpecs.values()].filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let reason = str(status.reason) || str(status.phase) || '';
  if (recs(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  const all: Restarts = { count: 0, last: undefined };
  const sidecars: Restarts = { count: 0, last: undefined };
  let initializing = false;
  const initStatuses = recs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const state = rec(cs.state) ?? {};
    const term = rec(state.terminated);
    const waiting = rec(state.waiting);
    noteRestart(all, cs);
    if (sidecar(cs.name)) noteRestart(sidecars, cs);
    if (term && num(term.exitCode) === 0) continue;
    if (sidecar(cs.name) && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (term) reason = terminatedReason(term, 'Init:');
    else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') reason = `Init:${String(waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }
  let restarts = all;
  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecars;
    let hasRunning = false;
    const statuses = recs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      const state = rec(cs.state) ?? {};
      noteRestart(restarts, cs);
      const waiting = rec(state.waiting);
      const term = rec(state.terminated);
      if (waiting && str(waiting.reason)) reason = String(waiting.reason);
      else if (term) reason = terminatedReason(term, '');
      else if (cs.ready === true && rec(state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }
  const meta = metaOf(pod);
  const phase = str(status.phase);
  if (meta.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (meta.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { ready, total, reason, restarts };
}

function readinessGates(spec: Obj, status: Obj): string {
  const gates = recs(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  const trueCount = gates.filter((g) => {
    const c = recs(status.conditions).find((x) => x.type === g.conditionType);
    return c?.status === 'True';
  }).length;
  return `${trueCount}/${gates.length}`;
}

/** One pod's cells, in podColumns order. */
export function podRow(pod: Obj, now: number): unknown[] {
  const { ready, total, reason, restarts } = summarizePod(pod);
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  const restartCell = restarts.count !== 0 && restarts.last ? `${restarts.count} (${translateTimestampSince(restarts.last, now)} ago)` : String(restarts.count);
  const ip = str(rec(arr(status.podIPs)[0])?.ip) || '<none>';
  return [
    nameOf(pod),
    `${ready}/${total}`,
    reason,
    restartCell,
    ageOf(pod, now),
    ip,
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    readinessGates(spec, status),
  ];
}
