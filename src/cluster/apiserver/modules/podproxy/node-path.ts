/**
 * Pure pieces of pods/log and pods/exec as kube-apiserver has them: which container a request
 * means, where the pod's node agent listens, and the kubelet path and query to proxy to.
 */
import { badRequest, notFound, serviceUnavailable, type KubeObject } from '../../../../api/meta/index.js';

interface PodLike extends KubeObject {
  spec?: { nodeName?: string; containers?: readonly { name: string }[]; initContainers?: readonly { name: string }[]; ephemeralContainers?: readonly { name: string }[] };
}
interface NodeLike extends KubeObject {
  status?: { addresses?: readonly { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

const PODS = { group: '', resource: 'pods' };
const NODES = { group: '', resource: 'nodes' };

/** The container a request names, defaulted when the pod has exactly one (kube-apiserver's rules). */
export function containerFor(pod: PodLike, requested: string | null): string {
  const name = pod.metadata?.name ?? '';
  const main = (pod.spec?.containers ?? []).map((c) => c.name);
  const init = (pod.spec?.initContainers ?? []).map((c) => c.name);
  const eph = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (!requested) {
    if (main.length === 1 && main[0]) return main[0];
    let msg = `a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`;
    if (init.length) msg += ` or one of the init containers: [${init.join(' ')}]`;
    if (eph.length) msg += ` or one of the ephemeral containers: [${eph.join(' ')}]`;
    throw badRequest(msg);
  }
  if (![...main, ...init, ...eph].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** The pod's node and where its agent serves (InternalIP and daemonEndpoints.kubeletEndpoint.Port). */
export function nodeEndpoint(pod: PodLike | undefined, podName: string, node: (name: string) => NodeLike | undefined): { node: string; host: string; port: number } {
  if (!pod) throw notFound(PODS, podName);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
  const n = node(nodeName);
  if (!n) throw notFound(NODES, nodeName);
  const addrs = n.status?.addresses ?? [];
  const host = addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'Hostname')?.address;
  const port = n.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw serviceUnavailable(`node ${nodeName} does not publish a kubelet endpoint`);
  return { node: nodeName, host, port };
}

const LOG_PARAMS = ['follow', 'previous', 'timestamps', 'tailLines', 'limitBytes', 'sinceSeconds', 'sinceTime', 'insecureSkipTLSVerifyBackend'];

/** kubelet's `/containerLogs/<ns>/<pod>/<container>?...` for a pods/log query. */
export function logPath(ns: string, pod: string, container: string, q: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const k of LOG_PARAMS) {
    const v = q.get(k);
    if (v !== null && k !== 'insecureSkipTLSVerifyBackend') out.set(k, v);
  }
  for (const k of ['tailLines', 'limitBytes', 'sinceSeconds']) {
    const v = out.get(k);
    if (v !== null && !/^-?\d+$/.test(v)) throw badRequest(`invalid value "${v}" for ${k}: must be an integer`);
  }
  const qs = out.toString();
  return `/containerLogs/${[ns, pod, container].map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}

const truthy = (v: string | null): boolean => v === 'true' || v === '1';

/** kubelet's `/exec/<ns>/<pod>/<container>?command=...&input=1&output=1&error=1&tty=1` for a pods/exec query. */
export function execPath(ns: string, pod: string, container: string, q: URLSearchParams): string {
  const command = q.getAll('command');
  if (command.length === 0) throw badRequest('you must specify at least 1 command');
  const out = new URLSearchParams();
  for (const c of command) out.append('command', c);
  const flags: [string, string][] = [['stdin', 'input'], ['stdout', 'output'], ['stderr', 'error'], ['tty', 'tty']];
  for (const [from, to] of flags) if (truthy(q.get(from))) out.set(to, '1');
  if (!truthy(q.get('stdin')) && !truthy(q.get('stdout')) && !truthy(q.get('stderr'))) throw badRequest('you must specify at least one of stdin, stdout, stderr');
  return `/exec/${[ns, pod, container].map(encodeURIComponent).join('/')}?${out.toString()}`;
}
