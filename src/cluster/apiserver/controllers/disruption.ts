/**
 * The disruption controller: keeps each PodDisruptionBudget's status (expected and healthy pods,
 * desired healthy, disruptionsAllowed, the DisruptionAllowed condition) computed from the pods its
 * selector matches, which the eviction subresource then consults.
 */
import type { KubeObject, LabelSelector } from '../../../api/meta/index.js';
import { StatusError } from '../../../api/meta/index.js';
import type { RestDeps } from '../rest/context.js';
import { runController, type RunningController } from './controller.js';

const pdbGr = { group: 'policy', resource: 'poddisruptionbudgets' };
const podGr = { group: '', resource: 'pods' };
/** Evicted pods stay counted as disrupted this long unless they go away (kube-controller-manager's DeletionTimeout). */
const disruptedPodTimeoutMs = 2 * 60_000;

interface PdbSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: LabelSelector;
}
/** policy/v1 PodDisruptionBudgetStatus. */
export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string; observedGeneration?: number }[];
}

/** IntOrString scaled against a total, percentages rounded up (as GetScaledValueFromIntOrPercent with roundUp). */
function scaled(v: number | string | undefined, total: number): number | undefined {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  return m ? Math.ceil((Number(m[1]) * total) / 100) : undefined;
}

/** True when the pod's Ready condition is True. */
export function podReady(pod: KubeObject): boolean {
  const conds = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The status of a PDB given the pods its selector matches (pure; `now` for disruptedPods expiry and condition times). */
export function pdbStatus(pdb: KubeObject, pods: readonly KubeObject[], now: Date): PdbStatus {
  const spec = (pdb.spec ?? {}) as PdbSpec;
  const prev = (pdb.status ?? {}) as Partial<PdbStatus>;
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const names = new Set(live.map((p) => p.metadata?.name ?? ''));
  const disrupted: Record<string, string> = {};
  for (const [name, at] of Object.entries(prev.disruptedPods ?? {})) {
    if (names.has(name) && now.getTime() - Date.parse(at) < disruptedPodTimeoutMs) disrupted[name] = at;
  }
  const expectedPods = live.length;
  const currentHealthy = live.filter((p) => podReady(p) && !((p.metadata?.name ?? '') in disrupted)).length;
  let desiredHealthy = 0;
  if (spec.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - (scaled(spec.maxUnavailable, expectedPods) ?? 0));
  else desiredHealthy = scaled(spec.minAvailable ?? 1, expectedPods) ?? 0;
  const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
  const allowed = disruptionsAllowed > 0;
  const prevCond = prev.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const status = allowed ? 'True' : 'False';
  const generation = pdb.metadata?.generation;
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    conditions: [
      {
        type: 'DisruptionAllowed',
        status,
        reason: allowed ? 'SufficientPods' : 'InsufficientPods',
        message: '',
        lastTransitionTime: prevCond?.status === status ? prevCond.lastTransitionTime : `${now.toISOString().slice(0, 19)}Z`,
        ...(generation !== undefined ? { observedGeneration: generation } : {}),
      },
    ],
  };
}

/** The pods of the PDB's namespace its selector matches (a nil selector matches none, as in policy/v1). */
export function podsOf(deps: RestDeps, pdb: KubeObject): KubeObject[] {
  const sel = deps.modules.selectors;
  const selector = (pdb.spec as PdbSpec | undefined)?.selector;
  if (!sel || !selector) return [];
  const m = sel.labelSelectorFromMeta(selector);
  return deps.store.list(podGr, { namespace: pdb.metadata?.namespace ?? '', filter: (p) => m.matches(p.metadata?.labels) }).items;
}

async function reconcile(deps: RestDeps, key: string): Promise<void> {
  const [ns = '', name = ''] = key.split('/');
  const pdb = deps.store.peek(pdbGr, ns, name);
  if (!pdb) return;
  const next = pdbStatus(pdb, podsOf(deps, pdb), deps.now());
  if (JSON.stringify(next) === JSON.stringify(pdb.status ?? {})) return;
  try {
    deps.store.guaranteedUpdate(pdbGr, ns, name, (cur) => {
      if (cur.metadata?.uid !== pdb.metadata?.uid) return undefined;
      const status = pdbStatus(cur, podsOf(deps, cur), deps.now());
      return JSON.stringify(status) === JSON.stringify(cur.status ?? {}) ? undefined : { ...cur, status };
    });
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}

/** Starts the disruption controller (PDB events and pod events in the PDB's namespace wake it). */
export function startDisruptionController(deps: RestDeps): RunningController {
  const keysInNs = (ns: string): string[] => deps.store.snapshot(pdbGr).filter((p) => p.metadata?.namespace === ns).map((p) => `${ns}/${p.metadata?.name ?? ''}`);
  const initial = deps.store.snapshot(pdbGr).map((p) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`);
  const c = runController(
    deps,
    'disruption',
    (ev) => {
      if (ev.resource === 'policy/poddisruptionbudgets') return ev.type === 'DELETED' ? [] : [`${ev.namespace}/${ev.name}`];
      if (ev.resource === '/pods') return keysInNs(ev.namespace);
      return [];
    },
    (key) => reconcile(deps, key),
    initial,
  );
  return c;
}
