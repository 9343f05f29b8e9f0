/**
 * Storage kinds: PersistentVolumeClaim (spec immutable except a storage request increase and
 * binding), PersistentVolume and StorageClass (provisioner, parameters, reclaimPolicy fixed).
 */
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../../../../api/meta/index.js';
import { parseQuantity, QUANTITY_FORMAT_MESSAGE } from '../quantity.js';
import { jsonEqual } from '../../../../api/meta/json.js';
import { arr, rec, str, type Obj, text } from '../util.js';
import { validateLabelSelector } from './meta.js';
import { FIELD_IMMUTABLE, isQualifiedName } from './names.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

function validateAccessModes(modes: unknown, path: FieldPath): FieldError[] {
  const list = arr(modes);
  if (list.length === 0) return [required(path, 'at least 1 access mode is required')];
  const errs = list.filter((m) => !ACCESS_MODES.includes(text(m))).map((m) => notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateStorageQuantity(q: unknown, path: FieldPath): FieldError[] {
  const v = parseQuantity(q);
  if (v === undefined) return [invalid(path, q, QUANTITY_FORMAT_MESSAGE)];
  return v > 0 ? [] : [invalid(path, q, 'must be greater than zero')];
}

/** A PersistentVolumeClaimSpec at `path` (claims and claim templates). */
export function validatePVCSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, path.child('accessModes'));
  errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  const storage = rec(rec(spec.resources)?.requests)?.storage;
  if (storage === undefined) errs.push(required(path.child('resources').key('storage'), ''));
  else errs.push(...validateStorageQuantity(storage, path.child('resources', 'requests').key('storage')));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(text(spec.volumeMode))) errs.push(notSupported(path.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  return errs;
}

const PVC_UPDATE_MESSAGE = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

/** A PersistentVolumeClaim (old set on update). */
export function validatePVC(pvc: Obj, old?: Obj): FieldError[] {
  const spec = rec(pvc.spec) ?? {};
  const path = FieldPath.root('spec');
  const errs = validatePVCSpec(spec, path);
  if (!old) return errs;
  const oldSpec = rec(old.spec) ?? {};
  const comparable = (s: Obj, volumeName: unknown): Obj => ({ ...s, resources: undefined, volumeAttributesClassName: undefined, volumeName });
  // Binding (setting volumeName once) is allowed; resources are checked below.
  const oldVolumeName = oldSpec.volumeName ?? spec.volumeName;
  if (!jsonEqual(comparable(spec, spec.volumeName), comparable(oldSpec, oldVolumeName))) errs.push(forbidden(path, PVC_UPDATE_MESSAGE));
  const oldSize = parseQuantity(rec(rec(oldSpec.resources)?.requests)?.storage);
  const newSize = parseQuantity(rec(rec(spec.resources)?.requests)?.storage);
  if (oldSize !== undefined && newSize !== undefined && newSize < oldSize) {
    errs.push(forbidden(path.child('resources', 'requests', 'storage'), 'field can not be less than previous value'));
  }
  return errs;
}

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
/** PersistentVolumeSource fields, in the order kube-apiserver checks them. */
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs',
  'iscsi', 'fc', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO', 'local', 'storageos', 'csi', 'flexVolume',
];

/** A PersistentVolume. */
export function validatePV(pv: Obj): FieldError[] {
  const spec = rec(pv.spec) ?? {};
  const path = FieldPath.root('spec');
  const errs = validateAccessModes(spec.accessModes, path.child('accessModes'));
  const capacity = rec(spec.capacity);
  if (!capacity || Object.keys(capacity).length === 0) {
    errs.push(required(path.child('capacity'), ''));
  } else {
    for (const k of Object.keys(capacity)) if (k !== 'storage') errs.push(notSupported(path.child('capacity').key(k), k, ['storage']));
    if (capacity.storage !== undefined) errs.push(...validateStorageQuantity(capacity.storage, path.child('capacity').key('storage')));
  }
  const rp = spec.persistentVolumeReclaimPolicy;
  if (rp !== undefined && !RECLAIM_POLICIES.includes(text(rp))) errs.push(notSupported(path.child('persistentVolumeReclaimPolicy'), rp, RECLAIM_POLICIES));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(text(spec.volumeMode))) errs.push(notSupported(path.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  const present = PV_SOURCES.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (present.length === 0) errs.push(required(path, 'must specify a volume type'));
  for (const k of present.slice(1)) errs.push(forbidden(path.child(k), 'may not specify more than 1 volume type'));
  if (rec(spec.hostPath) && !str(rec(spec.hostPath)?.path)) errs.push(required(path.child('hostPath', 'path'), ''));
  if (rec(spec.local)) {
    if (!str(rec(spec.local)?.path)) errs.push(required(path.child('local', 'path'), ''));
    if (!spec.nodeAffinity) errs.push(required(path.child('nodeAffinity'), 'Local volume requires node affinity'));
  }
  return errs;
}

const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

/** A StorageClass (old set on update). */
export function validateStorageClass(sc: Obj, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(sc.provisioner) ?? '';
  if (provisioner === '') errs.push(required(FieldPath.root('provisioner'), ''));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid(FieldPath.root('provisioner'), provisioner, m));
  if (sc.reclaimPolicy !== undefined && !['Delete', 'Retain'].includes(text(sc.reclaimPolicy))) {
    errs.push(notSupported(FieldPath.root('reclaimPolicy'), sc.reclaimPolicy, ['Delete', 'Retain']));
  }
  if (sc.volumeBindingMode !== undefined && !BINDING_MODES.includes(text(sc.volumeBindingMode))) {
    errs.push(notSupported(FieldPath.root('volumeBindingMode'), sc.volumeBindingMode, BINDING_MODES));
  }
  if (old) {
    if (!jsonEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden(FieldPath.root('parameters'), 'updates to parameters are forbidden.'));
    if (sc.provisioner !== old.provisioner) errs.push(forbidden(FieldPath.root('provisioner'), 'updates to provisioner are forbidden.'));
    if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden(FieldPath.root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
    if (sc.volumeBindingMode !== old.volumeBindingMode) errs.push(forbidden(FieldPath.root('volumeBindingMode'), FIELD_IMMUTABLE));
  }
  return errs;
}
