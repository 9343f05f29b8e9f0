/**
 * Turns client-node models into OpenAPI schema definitions named as kube-apiserver names them
 * (io.k8s.api.core.v1.PodSpec, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, ...), with the
 * group-version-kind and strategic-merge extensions kubectl reads.
 */
import type { ResourceInfo } from '../../contracts.js';
import { builtinResources } from '../catalogue.js';
import { hasModel, loadModel, type ModelProperty } from './models.js';

export type Schema = Record<string, unknown>;

/** The Go package prefix of a group's types in definition names. */
export function packageOf(group: string): string {
  switch (group) {
    case '':
      return 'io.k8s.api.core';
    case 'apiextensions.k8s.io':
      return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
    case 'apiregistration.k8s.io':
      return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
    case 'rbac.authorization.k8s.io':
      return 'io.k8s.api.rbac';
    default:
      return `io.k8s.api.${group.replace(/\.k8s\.io$/, '').replace(/\..*$/, '')}`;
  }
}

const META_PKG = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const META_TYPES = new Set([
  'ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'OwnerReference', 'ManagedFieldsEntry', 'Condition',
  'Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions', 'WatchEvent', 'APIResource', 'APIResourceList',
  'APIGroup', 'APIGroupList', 'APIVersions', 'GroupVersionForDiscovery', 'ServerAddressByClientCIDR', 'FieldSelectorRequirement',
]);
/** Model-name prefixes the generator adds where two groups define a type of the same name. */
const GROUP_PREFIXES: Record<string, string> = {
  Core: '', Events: 'events.k8s.io', Discovery: 'discovery.k8s.io', Storage: 'storage.k8s.io', Admissionregistration: 'admissionregistration.k8s.io',
  Apiextensions: 'apiextensions.k8s.io', Apiregistration: 'apiregistration.k8s.io', Authentication: 'authentication.k8s.io', Rbac: 'rbac.authorization.k8s.io',
  Flowcontrol: 'flowcontrol.apiserver.k8s.io', Policy: 'policy', Batch: 'batch', Apps: 'apps',
};

/** Splits a model name into its optional group prefix, version and type name: CoreV1Event -> ["", "v1", "Event"]. */
function splitModelName(model: string): { group?: string; version: string; type: string } | undefined {
  const m = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(model);
  if (!m) return undefined;
  const prefix = m[1];
  const group = prefix !== undefined ? GROUP_PREFIXES[prefix] : undefined;
  if (prefix !== undefined && group === undefined) return undefined;
  return { ...(group !== undefined ? { group } : {}), version: m[2]!.toLowerCase(), type: m[3]! };
}

/** The client-node model of a built-in kind (V1Pod, CoreV1Event, EventsV1Event, ...). */
export function modelForKind(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>, suffix = ''): string | undefined {
  const v = info.version.replace(/^v/, 'V');
  const prefix = Object.entries(GROUP_PREFIXES).find(([, g]) => g === info.group)?.[0] ?? '';
  return [`${v}${info.kind}${suffix}`, `${prefix}${v}${info.kind}${suffix}`].find(hasModel);
}

/** Core types that our catalogue reaches first through another group's kind. */
const CORE_TYPES = new Set(['PodTemplateSpec', 'TopologySelectorTerm', 'TopologySelectorLabelRequirement', 'TypedLocalObjectReference', 'TypedObjectReference', 'ObjectReference']);

/** Model names a generator type string refers to ("Array<V1Container>" -> ["V1Container"]). */
function referencedModels(type: string): string[] {
  return (type.match(/\b(?:[A-Z][a-z]+)?V\d+(?:alpha\d+|beta\d+)?[A-Z]\w*/g) ?? []).filter((m) => m !== 'V1MicroTime');
}

let homes: Map<string, string> | undefined;

/** The group each unprefixed model belongs to: that of the first catalogue kind (core first) reaching it. */
function homeGroups(): Map<string, string> {
  if (homes) return homes;
  const found = new Map<string, string>();
  for (const info of builtinResources) {
    const stack = [modelForKind(info), modelForKind(info, 'List')].filter((m): m is string => m !== undefined);
    while (stack.length > 0) {
      const model = stack.pop()!;
      if (found.has(model)) continue;
      found.set(model, info.group);
      for (const p of loadModel(model).properties) stack.push(...referencedModels(p.type).filter(hasModel));
    }
  }
  homes = found;
  return found;
}

/** The definition name of a model, as kube-apiserver names the Go type it was generated from. */
export function definitionName(model: string, reachedFrom: string): string {
  if (model === 'IntOrString') return 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
  const parts = splitModelName(model);
  if (!parts) return model;
  if (parts.group === undefined && META_TYPES.has(parts.type)) return `${META_PKG}.${parts.type}`;
  const group = parts.group ?? (CORE_TYPES.has(parts.type) ? '' : homeGroups().get(model) ?? reachedFrom);
  return `${packageOf(group)}.${parts.version}.${parts.type}`;
}

/** Strategic-merge patch metadata of the list fields clients patch most, as upstream declares it. */
const PATCH_META: Record<string, { strategy: string; key?: string; listKeys?: string[] }> = {
  'PodSpec.containers': { strategy: 'merge', key: 'name' },
  'PodSpec.initContainers': { strategy: 'merge', key: 'name' },
  'PodSpec.ephemeralContainers': { strategy: 'merge', key: 'name' },
  'PodSpec.volumes': { strategy: 'merge,retainKeys', key: 'name' },
  'PodSpec.imagePullSecrets': { strategy: 'merge', key: 'name' },
  'Container.env': { strategy: 'merge', key: 'name' },
  'Container.ports': { strategy: 'merge', key: 'containerPort', listKeys: ['containerPort', 'protocol'] },
  'Container.volumeMounts': { strategy: 'merge', key: 'mountPath' },
  'Container.volumeDevices': { strategy: 'merge', key: 'devicePath' },
  'ObjectMeta.finalizers': { strategy: 'merge' },
  'ObjectMeta.ownerReferences': { strategy: 'merge', key: 'uid' },
  'ServiceSpec.ports': { strategy: 'merge', key: 'port', listKeys: ['port', 'protocol'] },
  'PodStatus.conditions': { strategy: 'merge', key: 'type' },
  'NodeStatus.conditions': { strategy: 'merge', key: 'type' },
  'NodeStatus.addresses': { strategy: 'merge', key: 'type' },
  'DeploymentSpec.strategy': { strategy: 'retainKeys' },
  'DeploymentStatus.conditions': { strategy: 'merge', key: 'type' },
};

function patchExtensions(typeName: string, prop: string): Schema {
  const meta = PATCH_META[`${typeName}.${prop}`];
  if (!meta) return {};
  const ext: Schema = { 'x-kubernetes-patch-strategy': meta.strategy };
  if (meta.key) ext['x-kubernetes-patch-merge-key'] = meta.key;
  if (meta.key || meta.listKeys) {
    ext['x-kubernetes-list-type'] = 'map';
    ext['x-kubernetes-list-map-keys'] = meta.listKeys ?? [meta.key];
  }
  return ext;
}

/** Collects definitions reachable from some models; `ref` renders a $ref for v2 or v3. */
export class DefinitionCollector {
  readonly definitions: Record<string, Schema> = {};
  private readonly names = new Map<string, string>();

  constructor(private readonly ref: (name: string) => string) {}

  /** Adds a model (and everything it references); returns its definition name. */
  add(model: string, group: string, extra: Schema = {}): string {
    const known = this.names.get(model);
    if (known) {
      Object.assign(this.definitions[known]!, extra);
      return known;
    }
    const name = definitionName(model, group);
    this.names.set(model, name);
    if (model === 'IntOrString') {
      this.definitions[name] = { type: 'string', format: 'int-or-string', description: 'IntOrString is a type that can hold an int32 or a string.' };
      return name;
    }
    const m = loadModel(model);
    const def: Schema = { type: 'object' };
    this.definitions[name] = def;
    if (m.description) def.description = m.description;
    const typeName = name.slice(name.lastIndexOf('.') + 1);
    const properties: Record<string, Schema> = {};
    for (const p of m.properties) properties[p.name] = { ...this.propertySchema(p, group), ...patchExtensions(typeName, p.name) };
    if (m.properties.length > 0) def.properties = properties;
    const required = m.properties.filter((p) => p.required).map((p) => p.name);
    if (required.length > 0) def.required = required;
    Object.assign(def, extra);
    return name;
  }

  private propertySchema(p: ModelProperty, group: string): Schema {
    const s = this.typeSchema(p.type.trim(), p.format, group);
    if (p.description && !('$ref' in s)) s.description = p.description;
    return s;
  }

  private typeSchema(type: string, format: string, group: string): Schema {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: 'array', items: this.typeSchema(array[1]!.trim(), '', group) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: this.typeSchema(map[1]!.trim(), format, group) };
    switch (type) {
      case 'string':
        return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
      case 'number':
        return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number', ...(format ? { format } : {}) };
      case 'boolean':
        return { type: 'boolean' };
      case 'Date':
        return { type: 'string', format: 'date-time' };
      case 'V1MicroTime':
        return { type: 'string', format: 'date-time' };
      case 'any':
        return {};
      default:
        return { $ref: this.ref(this.add(type, group)) };
    }
  }
}
