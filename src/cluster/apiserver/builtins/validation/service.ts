/**
 * Service validation (ValidateService/ValidateServiceUpdate for the fields we use): type, ports,
 * selector, session affinity, IP family policy, external names, immutable cluster IP.
 */
import { duplicate, FieldPath, invalid, notSupported, required, type FieldError } from '../../../../api/meta/index.js';
import { rec, recs, str, type Obj, text } from '../util.js';
import { validateLabels } from './meta.js';
import { FIELD_IMMUTABLE, isDNS1123Label, isDNS1123Subdomain, isIP, isValidPortName, isValidPortNum } from './names.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateTargetPort(tp: unknown, path: FieldPath): FieldError[] {
  if (tp === undefined) return [];
  if (typeof tp === 'number') return isValidPortNum(tp).map((m) => invalid(path, tp, m));
  if (typeof tp === 'string') return isValidPortName(tp).map((m) => invalid(path, tp, m));
  return [invalid(path, tp, 'must be an int or a string')];
}

function validateServicePorts(ports: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const ip = path.index(i);
    const name = str(p.name) ?? '';
    if (name === '' && ports.length > 1) errs.push(required(ip.child('name'), ''));
    if (name !== '') {
      for (const m of isDNS1123Label(name)) errs.push(invalid(ip.child('name'), name, m));
      if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
      names.add(name);
    }
    for (const m of isValidPortNum(p.port)) errs.push(invalid(ip.child('port'), p.port, m));
    if (p.protocol === undefined || p.protocol === '') errs.push(required(ip.child('protocol'), ''));
    else if (!PROTOCOLS.includes(text(p.protocol))) errs.push(notSupported(ip.child('protocol'), p.protocol, PROTOCOLS));
    errs.push(...validateTargetPort(p.targetPort, ip.child('targetPort')));
    if (p.nodePort !== undefined && p.nodePort !== 0) for (const m of isValidPortNum(p.nodePort)) errs.push(invalid(ip.child('nodePort'), p.nodePort, m));
  });
  return errs;
}

function enumErr(spec: Obj, path: FieldPath, field: string, values: string[]): FieldError[] {
  const v = spec[field];
  return v !== undefined && !values.includes(text(v)) ? [notSupported(path.child(field), v, values)] : [];
}

/** A Service (old set on update). */
export function validateService(svc: Obj, old?: Obj): FieldError[] {
  const spec = rec(svc.spec) ?? {};
  const path = FieldPath.root('spec');
  const errs: FieldError[] = [];
  const type = str(spec.type) ?? 'ClusterIP';
  if (!TYPES.includes(type)) errs.push(notSupported(path.child('type'), spec.type, TYPES));
  const clusterIP = str(spec.clusterIP) ?? '';
  const headless = clusterIP === 'None';
  const ports = recs(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required(path.child('ports'), ''));
  errs.push(...validateServicePorts(ports, path.child('ports')));
  errs.push(...validateLabels(spec.selector, path.child('selector')));
  errs.push(...enumErr(spec, path, 'sessionAffinity', ['ClientIP', 'None']));
  errs.push(...enumErr(spec, path, 'ipFamilyPolicy', ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  errs.push(...enumErr(spec, path, 'internalTrafficPolicy', ['Cluster', 'Local']));
  errs.push(...enumErr(spec, path, 'externalTrafficPolicy', ['Cluster', 'Local']));
  if (clusterIP !== '' && !headless && !isIP(clusterIP)) {
    errs.push(invalid(path.child('clusterIP'), clusterIP, "must be empty, 'None', or a valid IP address"));
  }
  if (type === 'ExternalName') {
    const ext = str(spec.externalName) ?? '';
    if (ext === '') errs.push(required(path.child('externalName'), ''));
    else for (const m of isDNS1123Subdomain(ext.replace(/\.$/, ''))) errs.push(invalid(path.child('externalName'), ext, m));
  }
  if (old) {
    const oldSpec = rec(old.spec) ?? {};
    const oldIP = str(oldSpec.clusterIP) ?? '';
    if (oldIP !== '' && clusterIP !== '' && clusterIP !== oldIP && oldSpec.type !== 'ExternalName' && type !== 'ExternalName') {
      errs.push(invalid(path.child('clusterIP'), clusterIP, FIELD_IMMUTABLE));
    }
  }
  return errs;
}
