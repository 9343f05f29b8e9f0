/**
 * Tables of networking.k8s.io/v1 Ingress (NAME CLASS HOSTS ADDRESS PORTS AGE) and IngressClass
 * (NAME CONTROLLER PARAMETERS AGE), as kube-apiserver's printers fill them.
 */
import { rec, recs, str } from '../util.js';
import { AGE_COLUMN, ageOf, col, nameOf, NAME_COLUMN } from './columns.js';
import type { Printer } from './core.js';

/** The first three rule hosts, "+ N more..." beyond, "*" when no rule names a host. */
export function formatIngressHosts(rules: unknown): string {
  const all = recs(rules);
  const hosts: string[] = [];
  let more = false;
  for (const r of all) {
    if (hosts.length === 3) more = true;
    const h = str(r.host) ?? '';
    if (!more && h !== '') hosts.push(h);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${all.length - 3} more...` : hosts.join(',');
}

/** The load balancer's IPs (else hostnames), sorted and de-duplicated; the server prints them unclipped. */
function formatIngressAddress(status: unknown): string {
  const set = new Set<string>();
  for (const i of recs(rec(rec(status)?.loadBalancer)?.ingress)) {
    const v = str(i.ip) || str(i.hostname) || '';
    if (v !== '') set.add(v);
  }
  return [...set].sort().join(',');
}

const ingress: Printer = {
  columns: [
    NAME_COLUMN,
    col('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  row(o, now) {
    const spec = rec(o.spec) ?? {};
    const ports = Array.isArray(spec.tls) && spec.tls.length > 0 ? '80, 443' : '80';
    return [nameOf(o), str(spec.ingressClassName) ?? '<none>', formatIngressHosts(spec.rules), formatIngressAddress(o.status), ports, ageOf(o, now)];
  },
};

const ingressClass: Printer = {
  columns: [
    NAME_COLUMN,
    col('Controller', 'Controller that is responsible for handling this class'),
    col('Parameters', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  row(o, now) {
    const spec = rec(o.spec) ?? {};
    const p = rec(spec.parameters);
    const group = str(p?.apiGroup);
    const params = p ? `${str(p.kind) ?? ''}${group !== undefined ? `.${group}` : ''}/${str(p.name) ?? ''}` : '<none>';
    return [nameOf(o), str(spec.controller) ?? '', params, ageOf(o, now)];
  },
};

/** Printers of networking.k8s.io kinds, keyed by group/kind. */
export const networkingPrinters: Record<string, Printer> = {
  'networking.k8s.io/Ingress': ingress,
  'networking.k8s.io/IngressClass': ingressClass,
};
