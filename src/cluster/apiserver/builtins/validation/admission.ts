/**
 * Admission webhook configurations and APIServices: qualified webhook names, exactly one of
 * url/service, sideEffects, admissionReviewVersions, timeouts; APIService names and services.
 */
import { duplicate, FieldPath, invalid, notSupported, required, type FieldError } from '../../../../api/meta/index.js';
import { arr, rec, recs, str, type Obj, text } from '../util.js';
import { validateLabelSelector } from './meta.js';
import { inclusiveRangeError, isDNS1035Label, isDNS1123Subdomain } from './names.js';

function enumErr(o: Obj, field: string, path: FieldPath, values: string[]): FieldError[] {
  const v = o[field];
  return v !== undefined && !values.includes(text(v)) ? [notSupported(path.child(field), v, values)] : [];
}

/** A fully qualified domain name with at least three segments (webhook names). */
function validateFullyQualifiedName(name: string, path: FieldPath): FieldError[] {
  if (name === '') return [required(path, '')];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const msgs = isDNS1123Subdomain(n);
  if (msgs.length > 0) return [invalid(path, n, msgs.join(','))];
  return n.split('.').length < 3 ? [invalid(path, n, 'should be a domain with at least three segments separated by dots')] : [];
}

function validateServiceRef(svc: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(svc.name)) errs.push(required(path.child('name'), 'service name is required'));
  if (!str(svc.namespace)) errs.push(required(path.child('namespace'), 'service namespace is required'));
  const port = svc.port;
  if (port !== undefined && (typeof port !== 'number' || port < 1 || port > 65535)) {
    errs.push(invalid(path.child('port'), port, `port is not valid: ${inclusiveRangeError(1, 65535)}`));
  }
  const p = str(svc.path);
  if (p !== undefined && !p.startsWith('/')) errs.push(invalid(path.child('path'), p, "must start with a '/'"));
  return errs;
}

function validateURL(raw: string, path: FieldPath): FieldError[] {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return [invalid(path, raw, 'url must be a valid URL')];
  }
  const errs: FieldError[] = [];
  if (u.protocol !== 'https:') errs.push(invalid(path, u.protocol.replace(/:$/, ''), "'https' is the only allowed URL scheme"));
  if (u.host === '') errs.push(invalid(path, u.host, 'host must be specified'));
  if (u.username || u.password) errs.push(invalid(path, u.username, 'user information is not permitted in the URL'));
  if (u.hash) errs.push(invalid(path, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search) errs.push(invalid(path, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

function validateClientConfig(cc: Obj | undefined, path: FieldPath): FieldError[] {
  const url = str(cc?.url);
  const svc = rec(cc?.service);
  if ((url !== undefined) === (svc !== undefined)) return [required(path, 'exactly one of url or service is required')];
  return url !== undefined ? validateURL(url, path.child('url')) : validateServiceRef(svc!, path.child('service'));
}

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];

function validateRule(rule: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ops = arr(rule.operations);
  if (ops.length === 0) errs.push(required(path.child('operations'), ''));
  for (const op of ops) if (!OPERATIONS.includes(text(op))) errs.push(notSupported(path.child('operations'), op, OPERATIONS));
  for (const f of ['apiGroups', 'apiVersions', 'resources']) if (arr(rule[f]).length === 0) errs.push(required(path.child(f), ''));
  errs.push(...enumErr(rule, 'scope', path, ['*', 'Cluster', 'Namespaced']));
  return errs;
}

function validateWebhook(w: Obj, path: FieldPath, mutating: boolean): FieldError[] {
  const errs = validateFullyQualifiedName(str(w.name) ?? '', path.child('name'));
  recs(w.rules).forEach((r, i) => errs.push(...validateRule(r, path.child('rules').index(i))));
  errs.push(...enumErr(w, 'failurePolicy', path, ['Fail', 'Ignore']));
  errs.push(...enumErr(w, 'matchPolicy', path, ['Equivalent', 'Exact']));
  if (mutating) errs.push(...enumErr(w, 'reinvocationPolicy', path, ['IfNeeded', 'Never']));
  if (w.sideEffects === undefined) errs.push(required(path.child('sideEffects'), 'must specify one of None, NoneOnDryRun'));
  else errs.push(...enumErr(w, 'sideEffects', path, ['None', 'NoneOnDryRun']));
  const t = w.timeoutSeconds;
  if (t !== undefined && (typeof t !== 'number' || t < 1 || t > 30)) errs.push(invalid(path.child('timeoutSeconds'), t, 'the timeout value must be between 1 and 30 seconds'));
  const versions = arr(w.admissionReviewVersions).map(String);
  if (versions.length === 0) errs.push(required(path.child('admissionReviewVersions'), 'must specify one of v1, v1beta1'));
  else if (!versions.some((v) => v === 'v1' || v === 'v1beta1')) errs.push(invalid(path.child('admissionReviewVersions'), versions, 'must include at least one of v1, v1beta1'));
  errs.push(...validateClientConfig(rec(w.clientConfig), path.child('clientConfig')));
  errs.push(...validateLabelSelector(w.namespaceSelector, path.child('namespaceSelector')));
  errs.push(...validateLabelSelector(w.objectSelector, path.child('objectSelector')));
  return errs;
}

/** Mutating or Validating WebhookConfiguration. */
export function validateWebhookConfiguration(cfg: Obj, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(cfg.webhooks).forEach((w, i) => {
    const path = FieldPath.root('webhooks').index(i);
    errs.push(...validateWebhook(w, path, mutating));
    const name = str(w.name) ?? '';
    if (name !== '' && names.has(name)) errs.push(duplicate(path.child('name'), name));
    names.add(name);
  });
  return errs;
}

/** apiregistration.k8s.io/v1 APIService. */
export function validateAPIService(svc: Obj): FieldError[] {
  const spec = rec(svc.spec) ?? {};
  const path = FieldPath.root('spec');
  const errs: FieldError[] = [];
  const version = str(spec.version) ?? '';
  const group = str(spec.group) ?? '';
  const want = group ? `${version}.${group}` : version;
  const name = str(rec(svc.metadata)?.name) ?? '';
  if (name !== want) errs.push(invalid(FieldPath.root('metadata', 'name'), name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(want)}`));
  if (version === '') errs.push(required(path.child('version'), ''));
  else for (const m of isDNS1035Label(version)) errs.push(invalid(path.child('version'), version, m));
  if (group !== '') for (const m of isDNS1123Subdomain(group)) errs.push(invalid(path.child('group'), group, m));
  const gpm = spec.groupPriorityMinimum;
  if (typeof gpm !== 'number' || gpm <= 0 || gpm > 20000) errs.push(invalid(path.child('groupPriorityMinimum'), gpm ?? 0, 'must be positive and less than 20000'));
  const vp = spec.versionPriority;
  if (typeof vp !== 'number' || vp <= 0 || vp > 1000) errs.push(invalid(path.child('versionPriority'), vp ?? 0, 'must be positive and less than 1000'));
  const service = rec(spec.service);
  const caBundle = str(spec.caBundle) ?? '';
  if (!service) {
    if (caBundle !== '') errs.push(invalid(path.child('caBundle'), `${Buffer.from(caBundle, 'base64').length} bytes`, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify === true) errs.push(invalid(path.child('insecureSkipTLSVerify'), true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  errs.push(...validateServiceRef(service, path.child('service')));
  if (spec.insecureSkipTLSVerify === true && caBundle !== '') errs.push(invalid(path.child('insecureSkipTLSVerify'), true, 'may not be true if caBundle is present'));
  return errs;
}
