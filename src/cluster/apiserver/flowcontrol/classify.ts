/**
 * Classification of a request into a flow schema, priority level and flow, as kube-apiserver's
 * bootstrap FlowSchemas do (matched in precedence order; the flow is the requesting user), plus
 * two rules of ours: Event writes, best effort by contract, go to `workload-low` whoever sends them;
 * system:masters' creates (new work) queue at `global-default` instead of being exempt.
 */
import type { UserInfo } from '../contracts.js';
import type { RequestInfo } from '../http/request-info.js';
import type { PriorityLevelName } from './levels.js';

/** Where one request goes: the matching rule (flow schema), its level and its flow (fair-queuing key). */
export interface Classification {
  readonly flowSchema: string;
  readonly priorityLevel: PriorityLevelName;
  readonly flow: string;
}

/** A built-in flow schema: a name, the level it sends to and its match. */
interface Rule {
  readonly name: string;
  readonly level: PriorityLevelName;
  readonly matches: (info: RequestInfo, user: UserInfo) => boolean;
}

/** Namespaces whose ServiceAccounts run the platform (kube-system upstream; KubeVirt's own here). */
const PLATFORM_NAMESPACES = ['kube-system', 'kubevirt'];
const SA_PREFIX = 'system:serviceaccount:';

const inGroup = (user: UserInfo, g: string): boolean => user.groups.includes(g);
const platformServiceAccount = (user: UserInfo): boolean =>
  user.name.startsWith(SA_PREFIX) && PLATFORM_NAMESPACES.includes(user.name.slice(SA_PREFIX.length).split(':')[0] ?? '');
const isLease = (i: RequestInfo): boolean => i.isResourceRequest && i.apiGroup === 'coordination.k8s.io' && i.resource === 'leases';
const LEADER_VERBS = new Set(['get', 'create', 'update']);
/** Users upstream's system-leader-election schema names besides kube-system's ServiceAccounts. */
const LEADER_USERS = new Set(['system:kube-controller-manager', 'system:kube-scheduler']);
const EVENT_WRITE_VERBS = new Set(['create', 'update', 'patch']);
const PROBE_PATH = /^\/(healthz|readyz|livez)(\/.*)?$/;

/** The built-in flow schemas in matching precedence. */
const RULES: readonly Rule[] = [
  {
    // Ours: events are dropped by recorders when they back up; they must not delay the work they describe.
    name: 'event-writes',
    level: 'workload-low',
    matches: (i) => i.isResourceRequest && i.resource === 'events' && (i.apiGroup === '' || i.apiGroup === 'events.k8s.io') && i.subresource === '' && EVENT_WRITE_VERBS.has(i.verb),
  },
  {
    // Ours: an admin's create starts new work (50 VMIs at once is 50 creates); on one thread, starting it ahead of
    // the controllers' writes on objects already admitted makes every one of them finish later (ADR 0008).
    name: 'admin-creates',
    level: 'global-default',
    matches: (i, u) => i.isResourceRequest && i.verb === 'create' && i.subresource === '' && inGroup(u, 'system:masters'),
  },
  { name: 'exempt', level: 'exempt', matches: (_i, u) => inGroup(u, 'system:masters') },
  { name: 'probes', level: 'exempt', matches: (i) => !i.isResourceRequest && i.verb === 'get' && PROBE_PATH.test(i.path) },
  { name: 'system-leader-election', level: 'leader-election', matches: (i, u) => (platformServiceAccount(u) || LEADER_USERS.has(u.name)) && isLease(i) && LEADER_VERBS.has(i.verb) },
  {
    name: 'system-node-high',
    level: 'node-high',
    matches: (i, u) => inGroup(u, 'system:nodes') && (isLease(i) || (i.isResourceRequest && i.apiGroup === '' && i.resource === 'nodes')),
  },
  { name: 'system-nodes', level: 'system', matches: (_i, u) => inGroup(u, 'system:nodes') },
  // Upstream's `kube-scheduler` flow schema: the scheduler's binds and status writes are workload-high.
  { name: 'kube-scheduler', level: 'workload-high', matches: (_i, u) => u.name === 'system:kube-scheduler' },
  { name: 'kube-system-service-accounts', level: 'workload-high', matches: (_i, u) => platformServiceAccount(u) },
  { name: 'service-accounts', level: 'workload-low', matches: (_i, u) => inGroup(u, 'system:serviceaccounts') },
  { name: 'global-default', level: 'global-default', matches: (_i, u) => inGroup(u, 'system:authenticated') || inGroup(u, 'system:unauthenticated') },
];

/** Classifies one request; what no rule matches goes to `catch-all`. */
export function classify(info: RequestInfo, user: UserInfo): Classification {
  for (const r of RULES) {
    if (r.matches(info, user)) return { flowSchema: r.name, priorityLevel: r.level, flow: user.name };
  }
  return { flowSchema: 'catch-all', priorityLevel: 'catch-all', flow: user.name };
}

const LONG_RUNNING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy', 'log']);

/** Watches and streaming subresources, which APF never queues (they hold a connection, not the CPU). */
export function isLongRunning(info: RequestInfo): boolean {
  return info.verb === 'watch' || info.verb === 'proxy' || (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource));
}
