/**
 * Container validation (ValidateContainers and friends): names, image, ports, env, volume
 * mounts, resources, probes' enums. Shared by pods and every pod template.
 */
import { duplicate, forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../../../../api/meta/index.js';
import { notFound } from './errors.js';
import { parseQuantity, QUANTITY_FORMAT_MESSAGE } from '../quantity.js';
import { arr, rec, recs, str, type Obj, text } from '../util.js';
import { isDNS1123Label, isEnvVarName, isValidPortName, isValidPortNum } from './names.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

/** One container port list; `portNames` collects names to catch duplicates across the pod. */
function validatePorts(ports: unknown, path: FieldPath, portNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  recs(ports).forEach((p, i) => {
    const ip = path.index(i);
    const name = str(p.name);
    if (name) {
      for (const m of isValidPortName(name)) errs.push(invalid(ip.child('name'), name, m));
      if (portNames.has(name)) errs.push(duplicate(ip.child('name'), name));
      portNames.add(name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(required(ip.child('containerPort'), ''));
    else for (const m of isValidPortNum(p.containerPort)) errs.push(invalid(ip.child('containerPort'), p.containerPort, m));
    if (p.hostPort !== undefined && p.hostPort !== 0) for (const m of isValidPortNum(p.hostPort)) errs.push(invalid(ip.child('hostPort'), p.hostPort, m));
    if (p.protocol === undefined || p.protocol === '') errs.push(required(ip.child('protocol'), ''));
    else if (!PROTOCOLS.includes(text(p.protocol))) errs.push(notSupported(ip.child('protocol'), p.protocol, PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  recs(env).forEach((e, i) => {
    const ip = path.index(i);
    const name = str(e.name) ?? '';
    if (name === '') errs.push(required(ip.child('name'), ''));
    else for (const m of isEnvVarName(name)) errs.push(invalid(ip.child('name'), name, m));
    const from = rec(e.valueFrom);
    if (from) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((k) => from[k] !== undefined);
      if (sources.length === 0) errs.push(invalid(ip.child('valueFrom'), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) errs.push(invalid(ip, '', 'may not have more than one field specified at a time'));
      if (typeof e.value === 'string' && e.value !== '') errs.push(invalid(ip.child('valueFrom'), '', 'may not be specified when `value` is not empty'));
    }
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, path: FieldPath, volumes: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  recs(mounts).forEach((m, i) => {
    const ip = path.index(i);
    const name = str(m.name) ?? '';
    if (name === '') errs.push(required(ip.child('name'), ''));
    else if (!volumes.has(name)) errs.push(notFound(ip.child('name'), name));
    const mountPath = str(m.mountPath) ?? '';
    if (mountPath === '') errs.push(required(ip.child('mountPath'), ''));
    else if (paths.has(mountPath)) errs.push(invalid(ip.child('mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
  });
  return errs;
}

/** Resource requests and limits: parseable quantities, requests <= limits. */
export function validateResources(resources: unknown, path: FieldPath): FieldError[] {
  const res = rec(resources) ?? {};
  const errs: FieldError[] = [];
  const limits = rec(res.limits) ?? {};
  const requests = rec(res.requests) ?? {};
  for (const [kind, list] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, q] of Object.entries(list)) {
      const v = parseQuantity(q);
      if (v === undefined) errs.push(invalid(path.child(kind).key(name), q, QUANTITY_FORMAT_MESSAGE));
      else if (v < 0) errs.push(invalid(path.child(kind).key(name), q, 'must be greater than or equal to 0'));
    }
  }
  for (const [name, q] of Object.entries(requests)) {
    const l = parseQuantity(limits[name]);
    const r = parseQuantity(q);
    if (l !== undefined && r !== undefined && r > l) {
      errs.push(invalid(path.child('requests'), text(q), `must be less than or equal to ${name} limit of ${text(limits[name])}`));
    }
  }
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(probe: unknown, path: FieldPath): FieldError[] {
  const p = rec(probe);
  if (!p) return [];
  const present = PROBE_HANDLERS.filter((h) => p[h] !== undefined && p[h] !== null);
  if (present.length === 0) return [required(path, 'must specify a handler type')];
  const errs = present.slice(1).map((h) => forbidden(path.child(h), 'may not specify more than 1 handler type'));
  for (const h of ['httpGet', 'tcpSocket'] as const) {
    const port = rec(p[h])?.port;
    if (rec(p[h]) && port === undefined) errs.push(required(path.child(h, 'port'), ''));
    else if (typeof port === 'number') errs.push(...isValidPortNum(port).map((m) => invalid(path.child(h, 'port'), port, m)));
    else if (typeof port === 'string') errs.push(...isValidPortName(port).map((m) => invalid(path.child(h, 'port'), port, m)));
  }
  for (const f of ['periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold']) {
    const v = p[f];
    if (typeof v === 'number' && v < 1) errs.push(invalid(path.child(f), v, 'must be greater than or equal to 1'));
  }
  return errs;
}

function validateContainer(c: Obj, path: FieldPath, volumes: ReadonlySet<string>, portNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(c.image)) errs.push(required(path.child('image'), ''));
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(text(c.imagePullPolicy))) {
    errs.push(notSupported(path.child('imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  }
  if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(text(c.terminationMessagePolicy))) {
    errs.push(notSupported(path.child('terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  }
  errs.push(...validatePorts(c.ports, path.child('ports'), portNames));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateVolumeMounts(c.volumeMounts, path.child('volumeMounts'), volumes));
  errs.push(...validateResources(c.resources, path.child('resources')));
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) errs.push(...validateProbe(c[probe], path.child(probe)));
  return errs;
}

/**
 * Init and regular containers of a pod spec at `specPath`: containers required, names DNS-1123
 * labels unique across both lists, each container's own fields.
 */
export function validateContainers(spec: Obj, specPath: FieldPath, volumes: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const portNames = new Set<string>();
  const check = (list: unknown, field: string): void => {
    recs(list).forEach((c, i) => {
      const ip = specPath.child(field).index(i);
      const name = str(c.name) ?? '';
      if (name === '') errs.push(required(ip.child('name'), ''));
      else for (const m of isDNS1123Label(name)) errs.push(invalid(ip.child('name'), name, m));
      if (name !== '' && names.has(name)) errs.push(duplicate(ip.child('name'), name));
      names.add(name);
      errs.push(...validateContainer(c, ip, volumes, portNames));
    });
  };
  check(spec.initContainers, 'initContainers');
  if (arr(spec.containers).length === 0) errs.push(required(specPath.child('containers'), ''));
  check(spec.containers, 'containers');
  return errs;
}
