/**
 * Naming and DNS rules of a VMI spec: hostname a DNS-1123 label, subdomain a DNS-1123 subdomain,
 * dnsPolicy among Kubernetes' values and dnsConfig as Kubernetes checks a pod's (field names and
 * messages as KubeVirt's copy reports them).
 */
import { isIP } from 'node:net';
import type { FieldError, FieldPath } from '../meta/index.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { dns1123LabelErrors, dns1123SubdomainErrors, invalidCause, notSupportedCause, requiredCause } from './cause.js';

const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None', ''];

/** hostname and subdomain. */
export function validateHostnames(field: FieldPath, spec: VirtualMachineInstanceSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.hostname) {
    const e = dns1123LabelErrors(spec.hostname);
    const f = field.child('hostname');
    if (e.length > 0) errs.push(invalidCause(f, `${String(f)} does not conform to the kubernetes DNS_LABEL rules : ${e.join(', ')}`));
  }
  if (spec.subdomain) {
    const e = dns1123SubdomainErrors(spec.subdomain);
    const f = field.child('subdomain');
    if (e.length > 0) errs.push(invalidCause(f, `${String(f)} does not conform to the kubernetes DNS_SUBDOMAIN rules : ${e.join(', ')}`));
  }
  return errs;
}

/** dnsPolicy and dnsConfig. */
export function validateDNS(field: FieldPath, spec: VirtualMachineInstanceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const policy = (spec.dnsPolicy as string | undefined) ?? '';
  if (!DNS_POLICIES.includes(policy)) {
    errs.push(notSupportedCause(field.child('dnsPolicy'), `DNSPolicy: ${policy} is not supported, valid values: [${DNS_POLICIES.join(' ')}]`));
  }
  const cfg = spec.dnsConfig;
  const cf = field.child('dnsConfig');
  if (policy === 'None') {
    if (!cfg) return [...errs, requiredCause(cf, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((cfg.nameservers ?? []).length === 0) return [...errs, requiredCause('nameservers', 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return errs;
  const ns = cfg.nameservers ?? [];
  if (ns.length > 3) errs.push(invalidCause('nameservers', `must not have more than 3 nameservers: [${ns.join(' ')}]`));
  for (const n of ns) if (isIP(n) === 0) errs.push(invalidCause('nameservers', `must be valid IP address: ${n}`));
  const searches = cfg.searches ?? [];
  if (searches.length > 6) errs.push(invalidCause('searchDomains', 'must not have more than 6 search paths'));
  if (searches.join(' ').length > 256) errs.push(invalidCause('searchDomains', 'must not have more than 256 characters (including spaces) in the search list'));
  for (const s of searches) for (const m of dns1123SubdomainErrors(s)) errs.push(invalidCause('searchDomains', m));
  for (const o of cfg.options ?? []) if (!o.name) errs.push(invalidCause('options', 'Option.Name must not be empty'));
  return errs;
}
