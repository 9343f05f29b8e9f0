/**
 * Pod status as kubelet computes it from its containers' states: phase (kubelet's getPhase),
 * the four standard conditions with stable transition times, QoS class. Pure.
 */
import { parseQuantity } from '../apiserver/builtins/quantity.js';
import type { ContainerStatus, Pod, PodCondition, PodStatus } from './types.js';

/** QoS class: Guaranteed when every container limits cpu and memory with requests equal to limits. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const limits = c.resources?.limits ?? {};
    const requests = { ...limits, ...(c.resources?.requests ?? {}) };
    for (const r of ['cpu', 'memory']) {
      const l = parseQuantity(limits[r]);
      const q = parseQuantity(requests[r]);
      if (l !== undefined || q !== undefined) any = true;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** kubelet's getPhase: from init container and container states and the restart policy. */
export function podPhase(pod: Pod, init: readonly ContainerStatus[], main: readonly ContainerStatus[]): NonNullable<PodStatus['phase']> {
  const policy = pod.spec.restartPolicy ?? 'Always';
  for (const s of init) {
    const t = s.state.terminated;
    if (t && t.exitCode === 0) continue;
    if (t && policy === 'Never') return 'Failed';
    if (s.lastState.terminated && policy === 'Never') return 'Failed';
    return 'Pending';
  }
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of main) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (main.length === 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return policy === 'OnFailure' ? 'Running' : 'Failed';
}

function condition(prev: readonly PodCondition[] | undefined, type: string, ok: boolean, reason: string | undefined, message: string | undefined, now: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  const lastTransitionTime = old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : now;
  return { type, status, lastProbeTime: null, lastTransitionTime, ...(ok ? {} : { reason, message }) };
}

function names(list: readonly ContainerStatus[]): string {
  return `[${list.map((s) => s.name).join(' ')}]`;
}

/** What the agent knows beyond container states. */
export interface PodRuntimeFacts {
  readonly hostIP: string;
  readonly podIP?: string;
  readonly startTime: string;
  readonly now: string;
}

/** The full status the agent writes for a pod. */
export function computePodStatus(pod: Pod, init: readonly ContainerStatus[], main: readonly ContainerStatus[], facts: PodRuntimeFacts): PodStatus {
  const phase = podPhase(pod, init, main);
  const prev = pod.status?.conditions;
  const incompleteInit = init.filter((s) => s.state.terminated?.exitCode !== 0);
  const unready = main.filter((s) => !s.ready);
  const done = phase === 'Succeeded' || phase === 'Failed';
  const notReadyReason = done ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMsg = done ? undefined : `containers with unready status: ${names(unready)}`;
  const conditions = [
    condition(prev, 'PodReadyToStartContainers', true, undefined, undefined, facts.now),
    condition(prev, 'Initialized', incompleteInit.length === 0, done ? 'PodCompleted' : 'ContainersNotInitialized', done ? undefined : `containers with incomplete status: ${names(incompleteInit)}`, facts.now),
    condition(prev, 'Ready', !done && unready.length === 0, notReadyReason, notReadyMsg, facts.now),
    condition(prev, 'ContainersReady', !done && unready.length === 0, notReadyReason, notReadyMsg, facts.now),
    condition(prev, 'PodScheduled', true, undefined, undefined, facts.now),
  ];
  const podIP = facts.podIP ?? (pod.spec.hostNetwork ? facts.hostIP : undefined);
  return {
    phase,
    conditions,
    hostIP: facts.hostIP,
    hostIPs: [{ ip: facts.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: pod.status?.startTime ?? facts.startTime,
    qosClass: qosClass(pod),
    ...(init.length ? { initContainerStatuses: init } : {}),
    containerStatuses: main,
  };
}

/** Whether writing `next` would change what the API holds (fields the agent owns only). */
export function statusChanged(current: PodStatus | undefined, next: PodStatus): boolean {
  const pick = (s: PodStatus | undefined): unknown => s && {
    phase: s.phase, conditions: s.conditions?.filter((c) => c.type !== 'DisruptionTarget').map((c) => ({ ...c, lastProbeTime: c.lastProbeTime ?? null })),
    hostIP: s.hostIP, podIP: s.podIP, startTime: s.startTime, qosClass: s.qosClass,
    initContainerStatuses: s.initContainerStatuses ?? [], containerStatuses: s.containerStatuses ?? [],
  };
  return stableJson(pick(current)) !== stableJson(pick(next));
}

/** JSON with object keys sorted and undefined members dropped, for comparing API objects. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
