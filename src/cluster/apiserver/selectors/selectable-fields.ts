/**
 * The fields each kind exposes to `?fieldSelector=`, as kube-apiserver's field label conversion
 * functions accept them and its registries' ToSelectableFields compute their values.
 */
import { badRequest, type KubeObject } from '../../../api/meta/index.js';
import type { FieldMatcher, ResourceInfo } from '../contracts.js';
import { fieldMatcherOf, parseFieldTermsOr400 } from './fields.js';

type Extract = (obj: KubeObject) => string;

const meta = ['metadata.name', 'metadata.namespace'] as const;

/** Reads a path split at its dots; scalars become strings as Go's formatting prints them, anything else "". */
function readParts(obj: unknown, parts: readonly string[]): string {
  let cur: unknown = obj;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return '';
}

/** Reads a dotted path; scalars become strings as Go's formatting prints them, anything else "". */
export function readPath(obj: unknown, path: string): string {
  return readParts(obj, path.split('.'));
}

/** An extractor of one dotted path (split once, not per object). */
const at = (path: string): Extract => {
  const parts = path.split('.');
  return (o) => readParts(o, parts);
};

interface KindFields {
  /** Every label accepted, in the order upstream lists them (metadata first). */
  readonly supported: readonly string[];
  /** Values of the kind-specific labels; supported labels without one read as "" (upstream's fields.Set). */
  readonly values: Readonly<Record<string, Extract>>;
  /** Old names accepted and rewritten, e.g. Pod `spec.host` -> `spec.nodeName`. */
  readonly aliases?: Readonly<Record<string, string>>;
}

const podFields: KindFields = {
  supported: [
    ...meta,
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  values: {
    'spec.nodeName': at('spec.nodeName'),
    'spec.restartPolicy': at('spec.restartPolicy'),
    'spec.schedulerName': at('spec.schedulerName'),
    'spec.serviceAccountName': at('spec.serviceAccountName'),
    'spec.hostNetwork': (o) => String(readPath(o, 'spec.hostNetwork') === 'true'),
    'status.phase': at('status.phase'),
    // The first of status.podIPs (kube-apiserver ignores the legacy singular field here).
    'status.podIP': (o) => {
      const ips = (o.status as { podIPs?: { ip?: string }[] } | undefined)?.podIPs;
      return ips?.[0]?.ip ?? readPath(o, 'status.podIP');
    },
    'status.nominatedNodeName': at('status.nominatedNodeName'),
  },
  aliases: { 'spec.host': 'spec.nodeName' },
};

// An event's object reference fields, under `involvedObject` (core/v1) or `regarding` (events.k8s.io/v1).
const refFields = (prefix: string): Record<string, Extract> =>
  Object.fromEntries(
    ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [`${prefix}.${f}`, at(`${prefix}.${f}`)]),
  );

const coreEventFields: KindFields = {
  supported: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
    ...meta,
  ],
  values: {
    ...refFields('involvedObject'),
    reason: at('reason'),
    reportingComponent: at('reportingComponent'),
    source: (o) => readPath(o, 'source.component') || readPath(o, 'reportingComponent'),
    type: at('type'),
  },
};

// events.k8s.io/v1 names the same fields after its own schema.
const eventsV1Fields: KindFields = {
  supported: [
    'reason',
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'regarding.apiVersion',
    'regarding.resourceVersion',
    'regarding.fieldPath',
    'reportingController',
    'source',
    'type',
    ...meta,
  ],
  values: {
    ...refFields('regarding'),
    reason: at('reason'),
    reportingController: at('reportingController'),
    source: (o) => readPath(o, 'deprecatedSource.component') || readPath(o, 'reportingController'),
    type: at('type'),
  },
};

const simple = (extra: Record<string, Extract>, withNamespace = true): KindFields => ({
  supported: [...(withNamespace ? meta : ['metadata.name']), ...Object.keys(extra)],
  values: extra,
});

const intAt =
  (path: string): Extract =>
  (o) =>
    readPath(o, path) || '0';

/** Keyed by `group/Kind` ('' group for core). */
const table: Readonly<Record<string, KindFields>> = {
  '/Pod': podFields,
  '/Event': coreEventFields,
  'events.k8s.io/Event': eventsV1Fields,
  '/Node': simple({ 'spec.unschedulable': (o) => String(readPath(o, 'spec.unschedulable') === 'true') }, false),
  '/Namespace': { supported: ['status.phase', 'metadata.name'], values: { 'status.phase': at('status.phase') } },
  '/Secret': simple({ type: at('type') }),
  '/Service': simple({ 'spec.clusterIP': at('spec.clusterIP'), 'spec.type': at('spec.type') }),
  '/ReplicationController': simple({ 'status.replicas': intAt('status.replicas') }),
  'apps/ReplicaSet': simple({ 'status.replicas': intAt('status.replicas') }),
  'apps/StatefulSet': { supported: [...meta, 'status.successful'], values: {} },
  'batch/Job': simple({ 'status.successful': intAt('status.succeeded') }),
  'certificates.k8s.io/CertificateSigningRequest': simple({ 'spec.signerName': at('spec.signerName') }),
};

function kindFields(info: ResourceInfo): KindFields {
  const known = table[`${info.group}/${info.kind}`];
  if (known) return known;
  // Everything else (CRDs included): metadata.name/namespace plus what the resource declares
  // (a CRD version's selectableFields jsonPaths, given by the CRD module as dotted paths).
  const extra = info.fieldSelectors ?? [];
  return { supported: [...meta, ...extra], values: Object.fromEntries(extra.map((f) => [f, at(f)])) };
}

/** The field labels `?fieldSelector=` may use for this resource (others get 400 "field label not supported"). */
export function supportedFieldSelectors(info: ResourceInfo): readonly string[] {
  const kf = kindFields(info);
  return [...kf.supported, ...Object.keys(kf.aliases ?? {})];
}

/**
 * Upstream's field label conversion: the canonical label (aliases rewritten), or undefined when the
 * resource does not support it; the caller answers 400 `field label not supported: <label>`.
 */
export function convertFieldLabel(info: ResourceInfo, label: string): string | undefined {
  const kf = kindFields(info);
  const alias = kf.aliases?.[label];
  if (alias !== undefined) return alias;
  return kf.supported.includes(label) ? label : undefined;
}

/** Each kind's [label, extractor] pairs, listed once per KindFields. */
const valueEntries = new WeakMap<KindFields, readonly (readonly [string, Extract])[]>();

/** The selectable field values of one object: metadata.name, metadata.namespace and the kind's own. */
export function selectableFields(info: ResourceInfo, obj: KubeObject): Record<string, string> {
  const kf = kindFields(info);
  let entries = valueEntries.get(kf);
  if (!entries) valueEntries.set(kf, (entries = Object.entries(kf.values)));
  const out: Record<string, string> = {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
  };
  for (const [label, get] of entries) out[label] = get(obj);
  return out;
}

/**
 * `?fieldSelector=` for one resource, as ListResource treats it: parsed, each label checked and
 * converted (aliases rewritten); an unknown label is 400 `field label not supported: <label>`.
 */
export function parseFieldSelectorFor(info: ResourceInfo, s: string): FieldMatcher {
  const terms = parseFieldTermsOr400(s).map((t) => {
    const label = convertFieldLabel(info, t.field);
    if (label === undefined) throw badRequest(`field label not supported: ${t.field}`);
    return { ...t, field: label };
  });
  return fieldMatcherOf(terms);
}

