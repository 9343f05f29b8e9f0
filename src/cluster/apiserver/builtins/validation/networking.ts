/**
 * networking.k8s.io/v1 Ingress and IngressClass, as kube-apiserver validates them
 * (pkg/apis/networking/validation): rule hosts (wildcards allowed), HTTP paths by pathType,
 * service or resource backends, defaultBackend, TLS hosts and secret names, load-balancer status,
 * and IngressClass controller and parameters.
 */
import { FieldPath, forbidden, invalid, notSupported, required, tooLong, type FieldError } from '../../../../api/meta/index.js';
import { rec, recs, str, text, type Obj } from '../util.js';
import {
  FIELD_IMMUTABLE, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isIP, isValidPathSegmentName, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain,
} from './names.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ['Cluster', 'Namespace'];
const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const INVALID_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

const each = (msgs: string[], path: FieldPath, value: unknown): FieldError[] => msgs.map((m) => invalid(path, value, m));

/** A host of a rule or a TLS entry: `*.` wildcards are checked as such, everything else as a DNS subdomain. */
function hostErrors(host: string, path: FieldPath): FieldError[] {
  return each(host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host), path, host);
}

/** A TypedLocalObjectReference (resource backend, IngressClass parameters): apiGroup, kind and name. */
function localObjectReferenceErrors(ref: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const group = str(ref.apiGroup);
  if (group !== undefined) errs.push(...each(isDNS1123Subdomain(group), path.child('apiGroup'), group));
  for (const f of ['kind', 'name'] as const) {
    const v = str(ref[f]) ?? '';
    if (v === '') errs.push(required(path.child(f), `${f} is required`));
    else errs.push(...each(isValidPathSegmentName(v), path.child(f), v));
  }
  return errs;
}

/** One backend: exactly one of service (name plus port name or number) and resource. */
function backendErrors(backend: Obj, path: FieldPath): FieldError[] {
  const resource = rec(backend.resource);
  const service = rec(backend.service);
  if (resource && service) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) return localObjectReferenceErrors(resource, path.child('resource'));
  if (!service) return [invalid(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name) ?? '';
  if (name === '') errs.push(required(path.child('service', 'name'), ''));
  else errs.push(...each(isDNS1035Label(name), path.child('service', 'name'), name));
  const port = rec(service.port) ?? {};
  const portName = str(port.name) ?? '';
  const portNumber = port.number ?? 0;
  if (portName !== '' && portNumber !== 0) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (portName !== '') errs.push(...each(isValidPortName(portName), path.child('service', 'port', 'name'), portName));
  else if (portNumber !== 0) errs.push(...each(isValidPortNum(portNumber), path.child('service', 'port', 'number'), portNumber));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

/** One HTTP path: pathType required; Exact and Prefix paths absolute and normalised. */
function pathErrors(p: Obj, path: FieldPath): FieldError[] {
  const pathType = p.pathType;
  if (pathType === undefined || pathType === null) return [required(path.child('pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value = str(p.path) ?? '';
  const at = path.child('path');
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(at, value, 'must be an absolute path'));
    for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalid(at, value, `must not contain '${seq}'`));
    for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(invalid(at, value, `cannot end with '${suffix}'`));
  } else if (pathType === 'ImplementationSpecific') {
    if (value !== '' && !value.startsWith('/')) errs.push(invalid(at, value, 'must be an absolute path'));
  } else {
    errs.push(notSupported(path.child('pathType'), pathType, PATH_TYPES));
  }
  errs.push(...backendErrors(rec(p.backend) ?? {}, path.child('backend')));
  return errs;
}

/** Rules: hosts are DNS names (wildcards allowed, IPs not); an http rule needs at least one path. */
function rulesErrors(rules: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const host = str(rule.host) ?? '';
    const hostPath = path.index(i).child('host');
    if (host !== '') {
      if (isIP(host)) errs.push(invalid(hostPath, host, 'must be a DNS name, not an IP address'));
      errs.push(...hostErrors(host, hostPath));
    }
    const http = rec(rule.http);
    if (!http) return;
    const httpPath = path.index(i).child('http');
    const paths = recs(http.paths);
    if (paths.length === 0) errs.push(required(httpPath.child('paths'), ''));
    paths.forEach((p, j) => errs.push(...pathErrors(p, httpPath.child('paths').index(j))));
  });
  return errs;
}

/** TLS entries: hosts as rule hosts, secretName a valid Secret name when set. */
function tlsErrors(tls: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((t, i) => {
    (Array.isArray(t.hosts) ? t.hosts : []).forEach((h, j) => errs.push(...hostErrors(text(h), path.index(i).child('hosts').index(j))));
    const secret = str(t.secretName) ?? '';
    if (secret !== '') errs.push(...each(isDNS1123Subdomain(secret), path.index(i).child('secretName'), secret));
  });
  return errs;
}

/** status.loadBalancer.ingress: IPs valid, hostnames DNS names and not IPs. */
function loadBalancerErrors(status: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  recs(rec(status?.loadBalancer)?.ingress).forEach((ing, i) => {
    const p = FieldPath.root('status', 'loadBalancer', 'ingress').index(i);
    const ip = str(ing.ip) ?? '';
    if (ip !== '' && !isIP(ip)) errs.push(invalid(p.child('ip'), ip, INVALID_IP));
    const hostname = str(ing.hostname) ?? '';
    if (hostname !== '') {
      errs.push(...each(isDNS1123Subdomain(hostname), p.child('hostname'), hostname));
      if (isIP(hostname)) errs.push(invalid(p.child('hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/** networking.k8s.io/v1 Ingress (create and update; status checked when present). */
export function validateIngress(ing: Obj, old?: Obj): FieldError[] {
  const spec = rec(ing.spec) ?? {};
  const path = FieldPath.root('spec');
  const errs: FieldError[] = [];
  const rules = recs(spec.rules);
  const defaultBackend = rec(spec.defaultBackend);
  if (rules.length === 0 && !defaultBackend) errs.push(invalid(path, spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  if (defaultBackend) errs.push(...backendErrors(defaultBackend, path.child('defaultBackend')));
  errs.push(...rulesErrors(rules, path.child('rules')));
  errs.push(...tlsErrors(recs(spec.tls), path.child('tls')));
  const className = str(spec.ingressClassName);
  if (className !== undefined) errs.push(...each(isDNS1123Subdomain(className), path.child('ingressClassName'), className));
  const annotation = str(rec(rec(ing.metadata)?.annotations)?.[INGRESS_CLASS_ANNOTATION]);
  if (!old && annotation !== undefined && className !== undefined && annotation !== className) {
    errs.push(invalid(FieldPath.root('annotations').child(INGRESS_CLASS_ANNOTATION), annotation, 'must match `ingressClassName` when both are specified'));
  }
  if (old) errs.push(...loadBalancerErrors(rec(ing.status)));
  return errs;
}

/** apimachinery IsDomainPrefixedPath: `example.com/path`. */
function domainPrefixedPathErrors(value: string, path: FieldPath): FieldError[] {
  if (value === '') return [required(path, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host === '' || rest === '') return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = each(isDNS1123Subdomain(host), path, host);
  if (!new RegExp(`^${HTTP_PATH_FMT}$`).test(rest)) errs.push(invalid(path, rest, `Invalid path (regex used for validation is '${HTTP_PATH_FMT}')`));
  return errs;
}

/** IngressClass spec.parameters: a local object reference plus scope (and namespace for Namespace scope). */
function parametersErrors(params: Obj, path: FieldPath): FieldError[] {
  const errs = localObjectReferenceErrors(params, path);
  const scope = params.scope;
  if (scope === undefined || scope === null) return [...errs, required(path.child('scope'), '')];
  if (!SCOPES.includes(text(scope))) return [...errs, notSupported(path.child('scope'), scope, SCOPES)];
  const ns = str(params.namespace);
  if (scope === 'Namespace') {
    if (ns === undefined) errs.push(required(path.child('namespace'), "`parameters.scope` is set to 'Namespace'"));
    else errs.push(...each(isDNS1123Label(ns), path.child('namespace'), ns));
  } else if (ns !== undefined) {
    errs.push(forbidden(path.child('namespace'), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

/** networking.k8s.io/v1 IngressClass: controller a domain-prefixed path (immutable), parameters. */
export function validateIngressClass(ic: Obj, old?: Obj): FieldError[] {
  const spec = rec(ic.spec) ?? {};
  const path = FieldPath.root('spec');
  const controller = str(spec.controller) ?? '';
  const errs: FieldError[] = [];
  if (old && controller !== (str(rec(old.spec)?.controller) ?? '')) errs.push(invalid(path.child('controller'), controller, FIELD_IMMUTABLE));
  if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(tooLong(path.child('controller'), undefined, MAX_CONTROLLER_LENGTH));
  errs.push(...domainPrefixedPathErrors(controller, path.child('controller')));
  const params = rec(spec.parameters);
  if (params) errs.push(...parametersErrors(params, path.child('parameters')));
  return errs;
}
