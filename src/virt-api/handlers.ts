/**
 * virt-api's webhook endpoints: for each upstream path, the function that turns an
 * AdmissionRequest into an AdmissionResponse (defaulting with a JSONPatch, or validation).
 * Reads of the cluster go through AdmissionDeps, so tests run the handlers in-process.
 */
import { StatusError, type FieldError, type KubeObject } from '../api/meta/index.js';
import { checkAgainstCrd } from '../api/crds/schema-check.js';
import type { VirtualMachineInstance } from '../api/kubevirt/vmi.js';
import type { VirtualMachine } from '../api/kubevirt/vm.js';
import type { VirtualMachineInstanceMigration } from '../api/kubevirt/migration.js';
import type { VirtualMachineInstancePreset } from '../api/kubevirt/preset.js';
import type { VirtualMachineInstanceReplicaSet } from '../api/kubevirt/replicaset.js';
import { defaultMigration, defaultVM, defaultVMI, jsonPatchDiff, type ClusterConfig, type LimitRange } from '../api/kubevirt/defaults/index.js';
import { validateMigration, validatePreset, validateReplicaSet, validateVM, validateVMI, validateVMIUpdate, type Requester } from '../api/validation/index.js';
import { allow, deny, requestError, type AdmissionRequest, type AdmissionResponse } from './admission.js';

/** What the handlers read from the cluster. */
export interface AdmissionDeps {
  /** The current cluster configuration (from the KubeVirt CR; changes apply to the next request). */
  readonly config: () => ClusterConfig;
  /** Usernames of kubevirt-ts's own components, allowed to write VMI status and reserved labels. */
  readonly kubevirtServiceAccounts: readonly string[];
  readonly getVMI: (namespace: string, name: string) => Promise<VirtualMachineInstance | undefined>;
  readonly listMigrations: (namespace: string, vmiName: string) => Promise<VirtualMachineInstanceMigration[]>;
  readonly listPresets: (namespace: string) => Promise<VirtualMachineInstancePreset[]>;
  readonly listLimitRanges: (namespace: string) => Promise<LimitRange[]>;
}

type Handler = (req: AdmissionRequest, deps: AdmissionDeps) => Promise<AdmissionResponse> | AdmissionResponse;

const requesterOf = (req: AdmissionRequest, deps: AdmissionDeps): Requester => ({
  username: req.userInfo?.username ?? '',
  kubevirtServiceAccounts: deps.kubevirtServiceAccounts,
});

const goType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v);

/** Decoding problems of `metadata` (the API server checks it, the CRD schema does not), worded as Go's JSON decoder. */
function metadataError(meta: unknown): string | undefined {
  if (meta === undefined || meta === null) return undefined;
  const bad = (field: string, v: unknown, want: string) => `json: cannot unmarshal ${goType(v)} into Go struct field ObjectMeta.metadata.${field} of type ${want}`;
  if (typeof meta !== 'object' || Array.isArray(meta)) return `json: cannot unmarshal ${goType(meta)} into Go struct field of type v1.ObjectMeta`;
  const m = meta as Record<string, unknown>;
  for (const f of ['name', 'namespace', 'generateName', 'uid', 'resourceVersion']) {
    if (m[f] !== undefined && m[f] !== null && typeof m[f] !== 'string') return bad(f, m[f], 'string');
  }
  for (const f of ['labels', 'annotations']) {
    const map = m[f];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) return bad(f, map, 'map[string]string');
    for (const v of Object.values(map)) if (typeof v !== 'string') return bad(f, v, 'string');
  }
  for (const f of ['finalizers']) {
    const list = m[f];
    if (list !== undefined && list !== null && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) return bad(f, list, '[]string');
  }
  return undefined;
}

/**
 * The request's object, checked against its CRD schema first (upstream ValidateSchema). The old
 * object of an update is only decoded, as upstream does: the API server stored it after the same check.
 */
function objectOf<T>(req: AdmissionRequest, kind: string, which: 'object' | 'oldObject' = 'object'): { obj: T } | { errs: FieldError[] } | { error: string } {
  const raw = req[which];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: `admission request has no ${which}` };
  const given = (raw as { kind?: unknown }).kind ?? kind;
  if (given !== kind) return { error: `expect kind to be '${kind}', got ${JSON.stringify(given)}` };
  const withKind: Record<string, unknown> & { kind: string } = { ...(raw as Record<string, unknown>), kind };
  const metaErr = metadataError(withKind.metadata);
  if (metaErr) return { error: metaErr };
  if (which === 'oldObject') return { obj: withKind as T };
  const errs = checkAgainstCrd(withKind);
  return errs.length > 0 ? { errs } : { obj: withKind as T };
}

/** Runs `then` on the decoded object, or answers the decoding problem. */
function withObject<T>(req: AdmissionRequest, kind: string, then: (obj: T) => Promise<AdmissionResponse> | AdmissionResponse): Promise<AdmissionResponse> | AdmissionResponse {
  const o = objectOf<T>(req, kind);
  if ('error' in o) return requestError(req.uid, o.error);
  if ('errs' in o) return deny(req.uid, o.errs);
  return then(o.obj);
}

const verdict = (uid: string, errs: readonly FieldError[], warnings: readonly string[] = []): AdmissionResponse =>
  errs.length > 0 ? deny(uid, errs) : allow(uid, [], warnings);

/** A StatusError thrown while defaulting becomes the response's status. */
function statusResponse(uid: string, err: unknown): AdmissionResponse {
  if (!(err instanceof StatusError)) throw err;
  return { uid, allowed: false, status: { metadata: {}, message: err.message, reason: err.reason, code: err.code, ...(err.details ? { details: err.details } : {}) } };
}

async function mutateVMI(req: AdmissionRequest, deps: AdmissionDeps): Promise<AdmissionResponse> {
  if (req.operation !== 'CREATE') return allow(req.uid);
  return withObject<VirtualMachineInstance>(req, 'VirtualMachineInstance', async (vmi) => {
    const ns = vmi.metadata?.namespace ?? req.namespace ?? '';
    const [presets, limitRanges] = await Promise.all([deps.listPresets(ns), deps.listLimitRanges(ns)]);
    try {
      const out = defaultVMI(vmi, deps.config(), { presets, limitRanges });
      return allow(req.uid, jsonPatchDiff(vmi, out.object), out.warnings);
    } catch (e) {
      return statusResponse(req.uid, e);
    }
  });
}

function mutateVM(req: AdmissionRequest, deps: AdmissionDeps): AdmissionResponse | Promise<AdmissionResponse> {
  return withObject<VirtualMachine>(req, 'VirtualMachine', (vm) => {
    const out = defaultVM(vm, deps.config());
    return allow(req.uid, jsonPatchDiff(vm, out.object), out.warnings);
  });
}

function mutateMigration(req: AdmissionRequest): AdmissionResponse | Promise<AdmissionResponse> {
  return withObject<VirtualMachineInstanceMigration>(req, 'VirtualMachineInstanceMigration', (mig) => {
    const out = defaultMigration(mig);
    return allow(req.uid, jsonPatchDiff(mig, out.object), out.warnings);
  });
}

function validateVMICreate(req: AdmissionRequest, deps: AdmissionDeps): AdmissionResponse | Promise<AdmissionResponse> {
  return withObject<VirtualMachineInstance>(req, 'VirtualMachineInstance', (vmi) => verdict(req.uid, validateVMI(vmi, deps.config(), requesterOf(req, deps))));
}

/** Upstream's order: the new object's schema, then both objects decoded, then the update rules. */
function validateVMIUpdateReq(req: AdmissionRequest, deps: AdmissionDeps): AdmissionResponse | Promise<AdmissionResponse> {
  return withObject<VirtualMachineInstance>(req, 'VirtualMachineInstance', (vmi) => {
    const old = objectOf<VirtualMachineInstance>(req, 'VirtualMachineInstance', 'oldObject');
    if ('error' in old) return requestError(req.uid, old.error);
    if ('errs' in old) return deny(req.uid, old.errs);
    return verdict(req.uid, validateVMIUpdate(old.obj, vmi, requesterOf(req, deps)));
  });
}

function validateVMReq(req: AdmissionRequest, deps: AdmissionDeps): AdmissionResponse | Promise<AdmissionResponse> {
  return withObject<VirtualMachine>(req, 'VirtualMachine', (vm) => {
    if (vm.metadata?.deletionTimestamp) return allow(req.uid);
    const config = deps.config();
    return verdict(req.uid, validateVM(defaultVM(vm, config).object, config, requesterOf(req, deps)));
  });
}

async function validateMigrationReq(req: AdmissionRequest, deps: AdmissionDeps): Promise<AdmissionResponse> {
  return withObject<VirtualMachineInstanceMigration>(req, 'VirtualMachineInstanceMigration', async (mig) => {
    const ns = mig.metadata?.namespace ?? req.namespace ?? '';
    const name = mig.spec?.vmiName ?? '';
    const [vmi, migrations] = name ? await Promise.all([deps.getVMI(ns, name), deps.listMigrations(ns, name)]) : [undefined, []];
    const withNs: VirtualMachineInstanceMigration = { ...mig, metadata: { ...(mig.metadata ?? {}), namespace: ns } };
    return verdict(req.uid, validateMigration(withNs, { vmi: () => vmi, migrationsFor: () => migrations }));
  });
}

/** Upstream's webhook paths and their handlers. */
export const WEBHOOK_PATHS = {
  vmiMutate: '/virtualmachineinstances-mutate',
  vmMutate: '/virtualmachines-mutate',
  migrationMutate: '/migration-mutate-create',
  vmiCreate: '/virtualmachineinstances-validate-create',
  vmiUpdate: '/virtualmachineinstances-validate-update',
  vm: '/virtualmachines-validate',
  replicaSet: '/virtualmachinereplicaset-validate',
  preset: '/vmipreset-validate',
  migrationCreate: '/migration-validate-create',
} as const;

export const HANDLERS: Readonly<Record<string, Handler>> = {
  [WEBHOOK_PATHS.vmiMutate]: mutateVMI,
  [WEBHOOK_PATHS.vmMutate]: mutateVM,
  [WEBHOOK_PATHS.migrationMutate]: mutateMigration,
  [WEBHOOK_PATHS.vmiCreate]: validateVMICreate,
  [WEBHOOK_PATHS.vmiUpdate]: validateVMIUpdateReq,
  [WEBHOOK_PATHS.vm]: validateVMReq,
  [WEBHOOK_PATHS.replicaSet]: (req, deps) =>
    withObject<VirtualMachineInstanceReplicaSet>(req, 'VirtualMachineInstanceReplicaSet', (rs) => verdict(req.uid, validateReplicaSet(rs, deps.config()))),
  [WEBHOOK_PATHS.preset]: (req) => withObject<VirtualMachineInstancePreset>(req, 'VirtualMachineInstancePreset', (p) => verdict(req.uid, validatePreset(p))),
  [WEBHOOK_PATHS.migrationCreate]: validateMigrationReq,
};

/** Objects a handler may need; KubeObject re-exported for the server's list helpers. */
export type { KubeObject };
