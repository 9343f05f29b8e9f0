/**
 * `kubevirt-ts status`, the pure part: turns what was observed of a data dir's cluster (its `up`
 * record, the API server's readiness, Nodes, the virt-controller and kube-scheduler Leases, the subresources
 * APIService, VMs and VMIs) into a report with an exit code, and renders it as text.
 */
import { HEARTBEAT_ANNOTATION, NODE_SCHEDULABLE_LABEL as SCHEDULABLE_LABEL } from '../../api/kubevirt/constants.js';
import type { UpRecord } from './up-record.js';

/** Exit codes of `kubevirt-ts status` (LSB's "program is not running" for a stopped cluster). */
export const STATUS_EXIT = { ready: 0, degraded: 2, notRunning: 3 } as const;

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}
/** The parts of a Node the report reads. */
export interface ObservedNode {
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly status?: { readonly conditions?: readonly Condition[] };
}
/** The parts of a Lease the report reads. */
export interface ObservedLease {
  readonly spec?: { readonly holderIdentity?: string; readonly renewTime?: string; readonly acquireTime?: string; readonly leaseDurationSeconds?: number };
}

/** Everything `status` looked at; the API parts are absent when the API server did not answer. */
export interface Observed {
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly record?: UpRecord;
  readonly upAlive: boolean;
  /** undefined: not asked (up not running); otherwise ready or the error met. */
  readonly api?: { readonly ready: boolean; readonly message?: string };
  readonly nodes?: readonly ObservedNode[];
  readonly controllerLease?: ObservedLease | null;
  /** kube-system/kube-scheduler: held while `up`'s scheduler process runs (absent: not asked). */
  readonly schedulerLease?: ObservedLease | null;
  readonly apiService?: { readonly status?: { readonly conditions?: readonly Condition[] } } | null;
  /** Result of GET /apis/subresources.kubevirt.io/v1/healthz through the aggregator. */
  readonly virtApiHealth?: { readonly ok: boolean; readonly message?: string };
  readonly vmis?: readonly { readonly status?: { readonly phase?: string } }[];
  readonly vms?: readonly { readonly status?: { readonly printableStatus?: string } }[];
  readonly now: Date;
}

/** One line of the report: a node or a KubeVirt component. */
export interface Readiness {
  readonly name: string;
  readonly node?: string;
  readonly ready: boolean;
  readonly message: string;
}

/** The report `status` prints (`--output json` prints exactly this). */
export interface StatusReport {
  readonly state: 'Running' | 'Degraded' | 'NotRunning';
  readonly exitCode: number;
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly up?: { readonly pid: number; readonly phase: UpRecord['phase']; readonly startedAt: string };
  readonly apiServer?: { readonly url?: string; readonly ready: boolean; readonly message?: string };
  readonly nodes: readonly Readiness[];
  readonly components: readonly Readiness[];
  readonly vmis: Readonly<Record<string, number>>;
  readonly vms: Readonly<Record<string, number>>;
  /** Why the state is not Running. */
  readonly problems: readonly string[];
}

/** A heartbeat older than this many periods means the handler is gone (the node controller's bound). */
const MISSED_HEARTBEATS = 5;

const secondsAgo = (t: string | undefined, now: Date): number | undefined => {
  const ms = Date.parse(t ?? '');
  return Number.isNaN(ms) ? undefined : Math.max(0, Math.round((now.getTime() - ms) / 1000));
};

/** A node is ready when its Ready condition is True, as kubelet reports it. */
export function nodeReadiness(n: ObservedNode): Readiness {
  const c = n.status?.conditions?.find((x) => x.type === 'Ready');
  const name = n.metadata?.name ?? '';
  if (!c) return { name, ready: false, message: 'no Ready condition' };
  return { name, ready: c.status === 'True', message: c.status === 'True' ? (c.message ?? '') : `${c.reason ?? 'NotReady'}: ${c.message ?? ''}`.trim() };
}

/** virt-handler on a node is ready while its heartbeat is fresh and it marks the node schedulable. */
export function handlerReadiness(n: ObservedNode, heartbeatSeconds: number, now: Date): Readiness {
  const node = n.metadata?.name ?? '';
  const age = secondsAgo(n.metadata?.annotations?.[HEARTBEAT_ANNOTATION], now);
  const schedulable = n.metadata?.labels?.[SCHEDULABLE_LABEL];
  const base = { name: 'virt-handler', node };
  if (age === undefined) return { ...base, ready: false, message: 'no heartbeat yet' };
  if (age > MISSED_HEARTBEATS * heartbeatSeconds) return { ...base, ready: false, message: `last heartbeat ${age}s ago (period ${heartbeatSeconds}s)` };
  if (schedulable !== 'true') return { ...base, ready: false, message: `node labelled ${SCHEDULABLE_LABEL}=${schedulable ?? '(unset)'}` };
  return { ...base, ready: true, message: `heartbeat ${age}s ago` };
}

/** A leader-elected component is ready while a leader holds its Lease and renews it in time. */
export function leaseReadiness(name: string, lease: ObservedLease | null | undefined, now: Date): Readiness {
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return { name, ready: false, message: `no leader holds the ${name} Lease` };
  const age = secondsAgo(spec.renewTime ?? spec.acquireTime, now);
  const duration = spec.leaseDurationSeconds ?? 15;
  if (age === undefined || age > duration) return { name, ready: false, message: `leader ${spec.holderIdentity} has not renewed for ${age ?? '?'}s (lease ${duration}s)` };
  return { name, ready: true, message: `leader ${spec.holderIdentity}` };
}

/** virt-controller is ready while a leader holds its Lease and renews it in time. */
export function controllerReadiness(lease: ObservedLease | null | undefined, now: Date): Readiness {
  return leaseReadiness('virt-controller', lease, now);
}

/** virt-api is ready when the aggregator finds its API available and it answers healthz. */
export function virtApiReadiness(o: Pick<Observed, 'apiService' | 'virtApiHealth'>): Readiness {
  const name = 'virt-api';
  const available = o.apiService?.status?.conditions?.find((c) => c.type === 'Available');
  if (!o.apiService) return { name, ready: false, message: 'APIService v1.subresources.kubevirt.io not registered' };
  if (available?.status !== 'True') return { name, ready: false, message: `APIService not available: ${available?.reason ?? 'no Available condition'} ${available?.message ?? ''}`.trim() };
  if (!o.virtApiHealth?.ok) return { name, ready: false, message: `healthz: ${o.virtApiHealth?.message ?? 'not asked'}` };
  return { name, ready: true, message: 'webhooks and subresources served' };
}

/** Counts items by a key (empty keys count as `empty`). */
export function countBy<T>(items: readonly T[] | undefined, key: (t: T) => string | undefined, empty: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items ?? []) {
    const k = key(i) || empty;
    out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The report and its exit code: 0 all ready, 2 running but something not ready, 3 not running. */
export function evaluate(o: Observed): StatusReport {
  const common = { dataDir: o.dataDir, kubeconfig: o.kubeconfig };
  if (!o.record || !o.upAlive) {
    const problems = [o.record ? `up (pid ${o.record.pid}) is no longer running` : `no kubevirt-ts up runs for ${o.dataDir}`];
    return { ...common, state: 'NotRunning', exitCode: STATUS_EXIT.notRunning, nodes: [], components: [], vmis: {}, vms: {}, problems };
  }
  const r = o.record;
  const up = { pid: r.pid, phase: r.phase, startedAt: r.startedAt };
  const apiServer = { url: r.url, ready: o.api?.ready === true, ...(o.api?.message ? { message: o.api.message } : {}) };
  const nodes = (o.nodes ?? []).map(nodeReadiness);
  const components: Readiness[] = [];
  if (!r.controlPlaneOnly && o.api?.ready) {
    components.push(virtApiReadiness(o), controllerReadiness(o.controllerLease, o.now));
    if (o.schedulerLease !== undefined) components.push(leaseReadiness('kube-scheduler', o.schedulerLease, o.now));
    for (const n of o.nodes ?? []) components.push(handlerReadiness(n, r.heartbeatSeconds, o.now));
  }
  const problems: string[] = [];
  if (r.phase !== 'Running') problems.push('up is still starting');
  if (!apiServer.ready) problems.push(`API server not ready${apiServer.message ? `: ${apiServer.message}` : ''}`);
  if (!r.controlPlaneOnly && o.api?.ready && nodes.length < r.nodes) problems.push(`${nodes.length} of ${r.nodes} nodes registered`);
  for (const n of nodes) if (!n.ready) problems.push(`node ${n.name} not ready: ${n.message}`);
  for (const c of components) if (!c.ready) problems.push(`${c.name}${c.node ? ` on ${c.node}` : ''} not ready: ${c.message}`);
  const ok = problems.length === 0;
  return {
    ...common,
    state: ok ? 'Running' : 'Degraded',
    exitCode: ok ? STATUS_EXIT.ready : STATUS_EXIT.degraded,
    up,
    apiServer,
    nodes,
    components,
    vmis: countBy(o.vmis, (v) => v.status?.phase, 'Pending'),
    vms: countBy(o.vms, (v) => v.status?.printableStatus, 'Stopped'),
    problems,
  };
}

/** Left-aligned columns, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

const counts = (c: Readonly<Record<string, number>>): string => Object.entries(c).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';

/** The report as the lines `kubevirt-ts status` prints. */
export function renderStatus(r: StatusReport): string[] {
  if (r.state === 'NotRunning') return [`kubevirt-ts: not running (${r.problems.join('; ')})`, `data dir:   ${r.dataDir}`];
  const lines = [
    `kubevirt-ts: ${r.state === 'Running' ? 'running' : 'degraded'} (up pid ${r.up?.pid ?? '?'}, ${r.up?.phase ?? ''} since ${r.up?.startedAt ?? '?'})`,
    `API server: ${r.apiServer?.url ?? '(not listening yet)'} ${r.apiServer?.ready ? 'ready' : `not ready${r.apiServer?.message ? ` (${r.apiServer.message})` : ''}`}`,
    `kubeconfig: ${r.kubeconfig}`,
  ];
  if (r.nodes.length) lines.push('', ...table([['NODE', 'READY', 'MESSAGE'], ...r.nodes.map((n) => [n.name, String(n.ready), n.message])]));
  if (r.components.length) lines.push('', ...table([['COMPONENT', 'NODE', 'READY', 'MESSAGE'], ...r.components.map((c) => [c.name, c.node ?? '-', String(c.ready), c.message])]));
  lines.push('', `VMIs: ${counts(r.vmis)}`, `VMs:  ${counts(r.vms)}`);
  if (r.problems.length) lines.push('', ...r.problems.map((p) => `problem: ${p}`));
  return lines;
}
