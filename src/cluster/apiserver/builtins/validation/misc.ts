/**
 * Smaller kinds: Namespace, Node, Event (core and events.k8s.io), Lease, PriorityClass,
 * Endpoints and EndpointSlice.
 */
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../../../../api/meta/index.js';
import { arr, rec, recs, str, type Obj, text } from '../util.js';
import { IS_NEGATIVE_ERROR, isIP, isQualifiedName, isValidPortNum } from './names.js';

/** core/v1 Namespace: spec.finalizers are qualified names. */
export function validateNamespace(ns: Obj): FieldError[] {
  const path = FieldPath.root('spec', 'finalizers');
  return arr(rec(ns.spec)?.finalizers).flatMap((f) => {
    const s = text(f);
    if (s === 'kubernetes') return [];
    const msgs = isQualifiedName(s);
    if (msgs.length === 0 && !s.includes('/')) return [invalid(path, s, 'name is neither a standard finalizer name nor is it fully qualified')];
    return msgs.map((m) => invalid(path, s, m));
  });
}

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

/** core/v1 Node: taints. */
export function validateNode(node: Obj): FieldError[] {
  const errs: FieldError[] = [];
  recs(rec(node.spec)?.taints).forEach((t, i) => {
    const p = FieldPath.root('spec', 'taints').index(i);
    const key = str(t.key) ?? '';
    for (const m of isQualifiedName(key)) errs.push(invalid(p.child('key'), key, m));
    if (!t.effect) errs.push(required(p.child('effect'), ''));
    else if (!TAINT_EFFECTS.includes(text(t.effect))) errs.push(notSupported(p.child('effect'), t.effect, TAINT_EFFECTS));
  });
  return errs;
}

/** core/v1 Event: the involved object's namespace must be the event's (or default for cluster objects). */
export function validateCoreEvent(ev: Obj): FieldError[] {
  const ns = str(rec(ev.metadata)?.namespace) ?? '';
  const invNs = str(rec(ev.involvedObject)?.namespace) ?? '';
  const ok = invNs === '' ? ns === '' || ns === 'default' : invNs === ns;
  return ok ? [] : [invalid(FieldPath.root('involvedObject', 'namespace'), invNs, 'does not match event.namespace')];
}

/** events.k8s.io/v1 Event: reporting fields and eventTime required, regarding namespace rule. */
export function validateEventsEvent(ev: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']) {
    if (!ev[f]) errs.push(required(FieldPath.root(f), ''));
  }
  if (ev.type !== undefined && !['Normal', 'Warning'].includes(text(ev.type))) errs.push(notSupported(FieldPath.root('type'), ev.type, ['Normal', 'Warning']));
  const ns = str(rec(ev.metadata)?.namespace) ?? '';
  const regNs = str(rec(ev.regarding)?.namespace) ?? '';
  if (regNs !== '' && regNs !== ns) errs.push(invalid(FieldPath.root('regarding', 'namespace'), regNs, 'does not match event.namespace'));
  return errs;
}

/** coordination.k8s.io/v1 Lease. */
export function validateLease(lease: Obj): FieldError[] {
  const spec = rec(lease.spec) ?? {};
  const errs: FieldError[] = [];
  const d = spec.leaseDurationSeconds;
  if (typeof d === 'number' && d <= 0) errs.push(invalid(FieldPath.root('spec', 'leaseDurationSeconds'), d, 'must be greater than 0'));
  const t = spec.leaseTransitions;
  if (typeof t === 'number' && t < 0) errs.push(invalid(FieldPath.root('spec', 'leaseTransitions'), t, IS_NEGATIVE_ERROR));
  return errs;
}

/** The largest priority a user-defined PriorityClass may have. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);

/** scheduling.k8s.io/v1 PriorityClass (value may not change on update). */
export function validatePriorityClass(pc: Obj, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(rec(pc.metadata)?.name) ?? '';
  if (!SYSTEM_CLASSES.has(name)) {
    if (name.startsWith('system-')) errs.push(forbidden(FieldPath.root('metadata', 'name'), "priority class names with 'system-' prefix are reserved"));
    if (typeof pc.value === 'number' && pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.push(forbidden(FieldPath.root('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
    }
  }
  const pp = pc.preemptionPolicy;
  if (pp !== undefined && !['Never', 'PreemptLowerPriority'].includes(text(pp))) errs.push(notSupported(FieldPath.root('preemptionPolicy'), pp, ['Never', 'PreemptLowerPriority']));
  if (old && pc.value !== old.value) errs.push(forbidden(FieldPath.root('value'), 'may not be changed in an update.'));
  return errs;
}

function validateEndpointPorts(ports: unknown, path: FieldPath): FieldError[] {
  return recs(ports).flatMap((p, i) => (p.port === undefined ? [] : isValidPortNum(p.port).map((m) => invalid(path.index(i).child('port'), p.port, m))));
}

/** core/v1 Endpoints: addresses are IPs, ports valid. */
export function validateEndpoints(ep: Obj): FieldError[] {
  const errs: FieldError[] = [];
  recs(ep.subsets).forEach((s, i) => {
    const sp = FieldPath.root('subsets').index(i);
    for (const field of ['addresses', 'notReadyAddresses']) {
      recs(s[field]).forEach((a, j) => {
        const ip = str(a.ip) ?? '';
        if (!isIP(ip)) errs.push(invalid(sp.child(field).index(j).child('ip'), ip, 'must be a valid IP address'));
      });
    }
    errs.push(...validateEndpointPorts(s.ports, sp.child('ports')));
  });
  return errs;
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

/** discovery.k8s.io/v1 EndpointSlice. */
export function validateEndpointSlice(slice: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!slice.addressType) errs.push(required(FieldPath.root('addressType'), ''));
  else if (!ADDRESS_TYPES.includes(text(slice.addressType))) errs.push(notSupported(FieldPath.root('addressType'), slice.addressType, ADDRESS_TYPES));
  recs(slice.endpoints).forEach((e, i) => {
    const n = arr(e.addresses).length;
    if (n === 0) errs.push(required(FieldPath.root('endpoints').index(i).child('addresses'), 'must contain at least 1 address'));
    else if (n > 100) errs.push(invalid(FieldPath.root('endpoints').index(i).child('addresses'), n, 'must contain at most 100 addresses'));
  });
  errs.push(...validateEndpointPorts(slice.ports, FieldPath.root('ports')));
  return errs;
}
