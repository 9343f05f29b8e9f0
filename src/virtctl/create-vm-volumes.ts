/**
 * The volume flags of `virtctl create vm`: --volume-containerdisk, --volume-pvc and
 * --volume-import (DataVolume templates), each adding a volume, and a disk when a boot order is
 * given, to the VM being built. Pure: the caller supplies random name suffixes.
 */
import type { JsonObject as Obj } from './api.js';
import { checkLabel, flagError, parseBootOrder, parseQuantity, splitParams, splitPrefixedName, takeParams } from './params.js';

/** The VM under construction plus the boot orders taken so far. */
export interface VmDraft {
  readonly vm: Obj;
  readonly bootOrders: Map<number, string>;
}

/** The template's VMI spec. */
export function templateSpec(d: VmDraft): Obj {
  return d.vm.spec.template.spec as Obj;
}

function volumes(d: VmDraft): Obj[] {
  const spec = templateSpec(d);
  spec.volumes ??= [];
  return spec.volumes as Obj[];
}

/** Fails when a volume of that name exists already. */
export function volumeShouldNotExist(d: VmDraft, flag: string, name: string): void {
  if (((templateSpec(d).volumes as Obj[] | undefined) ?? []).some((v) => v.name === name)) throw flagError(flag, `there is already a volume with name "${name}"`);
}

function addDiskWithBootOrder(d: VmDraft, flag: string, name: string, bootOrder: number | undefined): void {
  if (bootOrder === undefined) return;
  if (bootOrder === 0) throw flagError(flag, 'bootorder must be greater than 0');
  if (d.bootOrders.has(bootOrder)) throw flagError(flag, `bootorder ${bootOrder} was specified multiple times`);
  const spec = templateSpec(d);
  spec.domain.devices.disks ??= [];
  (spec.domain.devices.disks as Obj[]).push({ bootOrder, name });
  d.bootOrders.set(bootOrder, name);
}

/** --volume-containerdisk src:IMAGE[,name:N][,bootorder:B]; default name `<vm>-containerdisk-<i>`. */
export function addContainerdisks(d: VmDraft, values: readonly string[]): void {
  const flag = 'volume-containerdisk';
  values.forEach((value, i) => {
    const p = takeParams(flag, value, ['name', 'src', 'bootorder'] as const);
    if (!p.src) throw flagError(flag, 'src must be specified');
    const name = p.name ?? `${d.vm.metadata.name}-containerdisk-${i}`;
    checkLabel(flag, name);
    volumeShouldNotExist(d, flag, name);
    volumes(d).push({ containerDisk: { image: p.src }, name });
    addDiskWithBootOrder(d, flag, name, parseBootOrder(flag, p.bootorder));
  });
}

/** --volume-pvc src:PVC[,name:N][,bootorder:B]; the PVC must be in the VM's namespace. */
export function addPvcs(d: VmDraft, values: readonly string[]): void {
  const flag = 'volume-pvc';
  for (const value of values) {
    const p = takeParams(flag, value, ['name', 'src', 'bootorder'] as const);
    if (!p.src) throw flagError(flag, 'src must be specified');
    const src = splitPrefixedName(flag, p.src);
    if (src.prefix !== undefined) throw flagError(flag, `not allowed to specify namespace of pvc "${src.name}"`);
    const name = p.name ?? src.name;
    checkLabel(flag, name);
    volumeShouldNotExist(d, flag, name);
    volumes(d).push({ name, persistentVolumeClaim: { claimName: src.name } });
    addDiskWithBootOrder(d, flag, name, parseBootOrder(flag, p.bootorder));
  }
}

/** The import types this client builds, their params, and whether size may be left out. */
const IMPORT_TYPES: Readonly<Record<string, { params: readonly string[]; sizeOptional: boolean }>> = {
  blank: { params: ['type', 'name', 'size', 'bootorder'], sizeOptional: false },
  http: { params: ['type', 'name', 'size', 'bootorder', 'url', 'secretref', 'certconfigmap'], sizeOptional: false },
  registry: { params: ['type', 'name', 'size', 'bootorder', 'url', 'imagestream', 'pullmethod', 'secretref', 'certconfigmap'], sizeOptional: false },
  pvc: { params: ['type', 'name', 'size', 'bootorder', 'src'], sizeOptional: true },
  snapshot: { params: ['type', 'name', 'size', 'bootorder', 'src'], sizeOptional: true },
  ds: { params: ['type', 'name', 'size', 'bootorder', 'src'], sizeOptional: true },
};

function namespacedSource(flag: string, kind: string, src: string | undefined): { name: string; namespace: string } {
  if (!src) throw flagError(flag, 'src must be specified');
  const s = splitPrefixedName(flag, src);
  if (s.prefix === undefined) throw flagError(flag, `namespace of ${kind} "${s.name}" must be specified`);
  return { name: s.name, namespace: s.prefix };
}

/** The DataVolume spec (without storage) for one --volume-import value. */
function importSpec(flag: string, type: string, p: Partial<Record<string, string>>): Obj {
  const strip = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  switch (type) {
    case 'blank':
      return { source: { blank: {} } };
    case 'http':
      if (!p.url) throw flagError(flag, 'url is required with http volume source');
      return { source: { http: strip({ url: p.url, secretRef: p.secretref, certConfigMap: p.certconfigmap }) } };
    case 'registry':
      if (p.pullmethod !== undefined && p.pullmethod !== 'pod' && p.pullmethod !== 'node') throw flagError(flag, 'pullmethod must be set to pod or node');
      if (!p.url === !p.imagestream) throw flagError(flag, 'exactly one of url or imagestream must be defined');
      return { source: { registry: strip({ url: p.url, imageStream: p.imagestream, pullMethod: p.pullmethod, secretRef: p.secretref, certConfigMap: p.certconfigmap }) } };
    case 'pvc':
      return { source: { pvc: namespacedSource(flag, 'pvc', p.src) } };
    case 'snapshot':
      return { source: { snapshot: namespacedSource(flag, 'snapshot', p.src) } };
    default: {
      if (!p.src) throw flagError(flag, 'src must be specified');
      const s = splitPrefixedName(flag, p.src);
      return { sourceRef: { kind: 'DataSource', name: s.name, ...(s.prefix !== undefined ? { namespace: s.prefix } : {}) } };
    }
  }
}

/** --volume-import type:T,...: a DataVolume template plus a dataVolume volume per value. */
export function addImports(d: VmDraft, values: readonly string[], randomSuffix: () => string): void {
  const flag = 'volume-import';
  for (const value of values) {
    const type = splitParams(flag, value).get('type');
    if (type === undefined) throw flagError(flag, 'type must be specified');
    const t = IMPORT_TYPES[type];
    if (!t) throw flagError(flag, `invalid volume import type "${type}", see help for supported values`);
    const p = takeParams(flag, value, t.params);
    if (p.size === undefined && !t.sizeOptional) throw flagError(flag, 'size must be specified');
    const spec = importSpec(flag, type, p);
    const name = p.name ?? `imported-volume-${randomSuffix()}`;
    checkLabel(flag, name);
    volumeShouldNotExist(d, flag, name);
    spec.storage = p.size !== undefined ? { resources: { requests: { storage: parseQuantity(flag, 'size', p.size) } } } : {};
    d.vm.spec.dataVolumeTemplates ??= [];
    (d.vm.spec.dataVolumeTemplates as Obj[]).push({ metadata: { name }, spec });
    volumes(d).push({ dataVolume: { name }, name });
    addDiskWithBootOrder(d, flag, name, parseBootOrder(flag, p.bootorder));
  }
}

/** Whether a volume can name an instancetype/preference to infer (a PVC, or a DataVolume cloned or imported from a registry/snapshot/DataSource). */
export function validToInferFrom(d: VmDraft, vol: Obj): boolean {
  if (vol.persistentVolumeClaim) return true;
  if (!vol.dataVolume) return false;
  const dvt = ((d.vm.spec.dataVolumeTemplates as Obj[] | undefined) ?? []).find((t) => t.metadata?.name === vol.dataVolume.name);
  if (!dvt) return true;
  const s = dvt.spec as Obj;
  return Boolean(s.source?.pvc || s.source?.registry || s.source?.snapshot || s.sourceRef?.kind === 'DataSource');
}
