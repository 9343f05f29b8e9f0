/**
 * The catalogue of served resources: built-ins given at start, CRD versions added and removed at
 * run time. Answers "which resource is /apis/G/V/R" and "which resource stores kind K of G/V".
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { CompiledCrdVersion, ResourceInfo } from '../contracts.js';
import type { ResourceHooks } from './hooks.js';

/** One served group/version/resource with its hooks. */
export interface ServedResource {
  readonly info: ResourceInfo;
  readonly hooks: ResourceHooks;
  /** The version objects are stored in (equal to info.version unless a CRD serves several). */
  readonly storageVersion: string;
  /** Set for resources defined by a CustomResourceDefinition (its name). */
  readonly crd?: string;
  /** Where a CRD's scale subresource reads and writes replicas (built-ins use spec/status.replicas). */
  readonly scale?: CompiledCrdVersion['scale'];
  /** Set when objects live in another resource's storage (events.k8s.io Events are core Events), with the conversions. */
  readonly sharedStorage?: SharedStorage;
}

/** Another resource's storage and the conversions between its stored form and this resource's. */
export interface SharedStorage {
  readonly group: string;
  readonly resource: string;
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

const gvr = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;
const gvk = (group: string, version: string, kind: string): string => `${group}/${version}#${kind}`;

/** Mutable registry; listeners fire when the set of served resources changes (discovery caches). */
export class ResourceRegistry {
  private readonly byGvr = new Map<string, ServedResource>();
  private readonly byGvk = new Map<string, ServedResource>();
  private readonly crdOwned = new Map<string, ServedResource[]>();
  private readonly changeListeners = new Set<() => void>();
  private generationNo = 0;

  constructor(builtins: readonly ServedResource[] = []) {
    for (const r of builtins) this.add(r);
  }

  /** Increments on every change, so callers can cache derived documents. */
  get generation(): number {
    return this.generationNo;
  }

  private add(r: ServedResource): void {
    const { group, version, plural, kind } = r.info;
    this.byGvr.set(gvr(group, version, plural), r);
    if (!this.byGvk.has(gvk(group, version, kind))) this.byGvk.set(gvk(group, version, kind), r);
  }

  private changed(): void {
    this.generationNo++;
    for (const l of this.changeListeners) l();
  }

  /** Replaces the resources served for one CRD (empty list: stop serving it). */
  setCrd(crdName: string, served: readonly ServedResource[]): void {
    for (const old of this.crdOwned.get(crdName) ?? []) {
      const { group, version, plural, kind } = old.info;
      this.byGvr.delete(gvr(group, version, plural));
      if (this.byGvk.get(gvk(group, version, kind)) === old) this.byGvk.delete(gvk(group, version, kind));
    }
    if (served.length > 0) this.crdOwned.set(crdName, [...served]);
    else this.crdOwned.delete(crdName);
    for (const r of served) this.add(r);
    this.changed();
  }

  /** Registers a callback for changes in the served set. */
  onChange(l: () => void): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  /** The resource served at group/version/plural, if any. */
  lookup(group: string, version: string, plural: string): ServedResource | undefined {
    return this.byGvr.get(gvr(group, version, plural));
  }

  /** The resource for an apiVersion ("v1", "apps/v1") and kind. */
  lookupKind(apiVersion: string, kind: string): ServedResource | undefined {
    const i = apiVersion.indexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    return this.byGvk.get(gvk(group, version, kind));
  }

  /** Every served resource. */
  all(): ServedResource[] {
    return [...this.byGvr.values()];
  }

  /** One entry per stored group/resource (the storage version), e.g. for garbage collection. */
  storedResources(): ServedResource[] {
    const seen = new Map<string, ServedResource>();
    for (const r of this.byGvr.values()) {
      if (r.info.virtual || r.info.version !== r.storageVersion || r.sharedStorage) continue;
      seen.set(`${r.info.group}/${r.info.plural}`, r);
    }
    return [...seen.values()];
  }
}

/** apiVersion string of a resource: "v1" or "group/version". */
export const apiVersionOf = (info: { group: string; version: string }): string =>
  info.group ? `${info.group}/${info.version}` : info.version;
