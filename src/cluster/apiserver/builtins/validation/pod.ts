/**
 * PodSpec validation (pods and templates) and the Pod update rule: only images,
 * activeDeadlineSeconds, added tolerations and a negative grace period set to 1 may change.
 */
import { duplicate, FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../../../../api/meta/index.js';
import { jsonEqual } from '../../../../api/meta/json.js';
import { arr, rec, recs, str, type Obj, text } from '../util.js';
import { validateContainers } from './containers.js';
import { validateLabels } from './meta.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain } from './names.js';

/** Volume source fields, in the order kube-apiserver checks them. */
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'quobyte', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'configMap', 'scaleIO', 'projected',
  'csi', 'ephemeral', 'image',
];

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

/** Exactly one source per volume, with the required fields of the sources we use. */
export function validateVolumeSource(v: Obj, path: FieldPath): FieldError[] {
  const present = VOLUME_SOURCES.filter((k) => v[k] !== undefined && v[k] !== null);
  if (present.length === 0) return [required(path, 'must specify a volume type')];
  const errs = present.slice(1).map((k) => forbidden(path.child(k), 'may not specify more than 1 volume type'));
  const hostPath = rec(v.hostPath);
  if (hostPath && !str(hostPath.path)) errs.push(required(path.child('hostPath', 'path'), ''));
  const pvc = rec(v.persistentVolumeClaim);
  if (pvc && !str(pvc.claimName)) errs.push(required(path.child('persistentVolumeClaim', 'claimName'), ''));
  const secret = rec(v.secret);
  if (secret && !str(secret.secretName) && secret.optional !== true) errs.push(required(path.child('secret', 'secretName'), ''));
  return errs;
}

function validateVolumes(volumes: unknown, path: FieldPath): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(volumes).forEach((v, i) => {
    const ip = path.index(i);
    const name = str(v.name) ?? '';
    if (name === '') errs.push(required(ip.child('name'), ''));
    else for (const m of isDNS1123Label(name)) errs.push(invalid(ip.child('name'), name, m));
    if (name !== '' && names.has(name)) errs.push(duplicate(ip.child('name'), name));
    names.add(name);
    errs.push(...validateVolumeSource(v, ip));
  });
  return { errs, names };
}

function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  recs(tolerations).forEach((t, i) => {
    const ip = path.index(i);
    const op = t.operator ?? 'Equal';
    if (op !== 'Equal' && op !== 'Exists') errs.push(notSupported(ip.child('operator'), op, ['Equal', 'Exists']));
    if (!str(t.key) && op !== 'Exists') {
      errs.push(invalid(ip.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (op === 'Exists' && str(t.value)) errs.push(invalid(ip.child('operator'), t.value, "value must be empty when `operator` is 'Exists'"));
    if (t.effect !== undefined && t.effect !== '' && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(text(t.effect))) {
      errs.push(notSupported(ip.child('effect'), t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(ip.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  });
  return errs;
}

/** A PodSpec at `path` (`spec` for pods, `spec.template.spec` for workloads). */
export function validatePodSpec(spec: Obj, path: FieldPath): FieldError[] {
  const { errs, names } = validateVolumes(spec.volumes, path.child('volumes'));
  errs.push(...validateContainers(spec, path, names));
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(text(spec.restartPolicy))) {
    errs.push(notSupported(path.child('restartPolicy'), spec.restartPolicy, RESTART_POLICIES));
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(text(spec.dnsPolicy))) {
    errs.push(notSupported(path.child('dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (typeof ads !== 'number' || ads < 1 || ads > 2147483647)) {
    errs.push(invalid(path.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, 2147483647)));
  }
  for (const field of ['nodeName', 'serviceAccountName'] as const) {
    const v = str(spec[field]);
    if (v) for (const m of isDNS1123Subdomain(v)) errs.push(invalid(path.child(field), v, m));
  }
  for (const field of ['hostname', 'subdomain'] as const) {
    const v = str(spec[field]);
    if (v) for (const m of isDNS1123Label(v)) errs.push(invalid(path.child(field), v, m));
  }
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  return errs;
}

export const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function sameImagesAs(newList: unknown, oldList: unknown): unknown {
  const olds = arr(oldList);
  if (!Array.isArray(newList) || newList.length !== olds.length) return newList;
  return newList.map((c, i) => {
    const o = rec(olds[i]);
    const n = rec(c);
    return n && o ? { ...n, image: o.image } : c;
  });
}

/** Pod update rules on the spec (call with defaulted objects). */
export function validatePodSpecUpdate(spec: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root('spec');
  const oldAds = old.activeDeadlineSeconds;
  const newAds = spec.activeDeadlineSeconds;
  if (typeof oldAds === 'number') {
    if (newAds === undefined) errs.push(invalid(path.child('activeDeadlineSeconds'), newAds ?? null, 'must not update from a positive integer to nil value'));
    else if (typeof newAds === 'number' && newAds > oldAds) errs.push(invalid(path.child('activeDeadlineSeconds'), newAds, 'must be less than or equal to previous value'));
  }
  const newTolerations = recs(spec.tolerations);
  for (const t of recs(old.tolerations)) {
    const kept = newTolerations.some((n) => jsonEqual({ ...n, tolerationSeconds: undefined }, { ...t, tolerationSeconds: undefined }));
    if (!kept) {
      errs.push(forbidden(path.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  const mutable: Obj = {
    ...spec,
    containers: sameImagesAs(spec.containers, old.containers),
    initContainers: sameImagesAs(spec.initContainers, old.initContainers),
    activeDeadlineSeconds: old.activeDeadlineSeconds,
    tolerations: old.tolerations,
    ephemeralContainers: old.ephemeralContainers,
  };
  const oldGrace = old.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && spec.terminationGracePeriodSeconds === 1) mutable.terminationGracePeriodSeconds = oldGrace;
  if (!jsonEqual(mutable, old)) errs.push(forbidden(path, POD_UPDATE_MESSAGE));
  return errs;
}

/**
 * A Pod (old set on update). An update that leaves the spec as it was (every status update: the
 * status strategy keeps the old spec) skips the spec rules, as kube-apiserver's
 * ValidatePodStatusUpdate does; the stored spec passed them when it was written.
 */
export function validatePod(pod: Obj, old?: Obj): FieldError[] {
  const spec = rec(pod.spec) ?? {};
  const oldSpec = old ? (rec(old.spec) ?? {}) : undefined;
  if (oldSpec && jsonEqual(spec, oldSpec)) return [];
  const errs = validatePodSpec(spec, FieldPath.root('spec'));
  if (oldSpec) errs.push(...validatePodSpecUpdate(spec, oldSpec));
  return errs;
}
