/**
 * Built-in kinds of the embedded API server: what the server core calls for every resource that
 * is not a CRD.
 *
 * - `builtinResources`, `findBuiltin(group, version, plural)`, `findBuiltinByKind(group, version, kind)`:
 *   the catalogue (discovery names, scope, verbs, subresources, field selectors, generation).
 * - `defaultBuiltin(info, obj)`: create-time defaults, in place, after metadata (name, uid) is set.
 *   Includes what the defaulting admission plugins add to pods (serviceAccountName, priority,
 *   not-ready/unreachable tolerations) and the initial status strategies set (pod Pending + qosClass,
 *   namespace Active, PV/PVC Pending). Idempotent: call it on updates too (kube-apiserver defaults
 *   every decoded object), before validation. `prepareBuiltinForCreate(info, obj)` resets status
 *   first, as the registry strategies do.
 * - `admitPodServiceAccount(pod, opts?)`: the ServiceAccount admission's kube-api-access-<random suffix>
 *   projected volume and mounts (token, kube-root-ca.crt, namespace); call it on pod create only.
 * - `validateBuiltin(info, obj, old?)`: FieldError[] (empty = valid) for metadata and the kind's rules;
 *   `old` set on update enables the immutability rules. The core turns errors into 422 Invalid
 *   with `invalidObject()`. `validateObjectMeta(info, meta, old?)` is the metadata part alone
 *   (CRD objects can use it too). CustomResourceDefinition specs are left to the CRD module.
 * - `builtinTable(info, objects, now?)`: `{ columnDefinitions, rows }` of a meta.k8s.io/v1 Table,
 *   the columns and cells kube-apiserver's printers produce (wide columns have priority 1; rows
 *   carry the full object, replace it for includeObject=Metadata/None). Kinds without a printer
 *   get Name + Created At, as kube-apiserver's default table convertor does.
 * - `humanDuration(ms)` / `translateTimestampSince(ts, now)`: apimachinery's age formatting, for
 *   CRD printer columns of type date.
 * - `builtinOpenApiV2()`: the /openapi/v2 swagger document; `builtinOpenApiV3(gv)` the
 *   /openapi/v3/<api/v1|apis/g/v> document ("v1", "apps/v1" or the path form), undefined for a
 *   group-version without built-ins; `builtinOpenApiV3Paths()` lists those paths for the /openapi/v3
 *   index; `encodeDocument(doc)` caches `{ json, gzip, hash }` (hash for `?hash=` and ETags).
 *   Documents are built lazily on first call (~0.3 s for v2) from @kubernetes/client-node's
 *   generated models, so `kubectl explain` shows upstream's field descriptions. They are shared:
 *   copy before merging CRD schemas in. PATCH operations advertise dryRun/fieldManager/
 *   fieldValidation, which kubectl takes as server-side field validation support.
 *   client-go fetches /openapi/v2 only as protobuf: when Accept holds `OPENAPI_V2_PROTOBUF`, answer
 *   `openApiV2Protobuf(doc)` (cached per document object) with Content-Type
 *   `OPENAPI_V2_PROTOBUF_CONTENT_TYPE`; JSON otherwise.
 * - For the server core's registry: `builtinHooks(info, now?)` gives `{ defaults, validate (kind
 *   rules only, as the core checks ObjectMeta itself), prepareForCreate (status reset as the
 *   registry strategies do), printer { columns, cells } }`; `builtinOpenApiV3Documents()` gives the
 *   per-group-version documents keyed "v1" / "apps/v1" (fresh maps each call, safe to extend).
 */
export { builtinResources, findBuiltin, findBuiltinByKind, apiVersionOf, builtinGroupVersions } from './catalogue.js';
export { defaultBuiltin } from './defaults/index.js';
export { validateBuiltin, validateBuiltinKind } from './validation/index.js';
export { prepareBuiltinForCreate } from './defaults/prepare.js';
export { admitPodServiceAccount, SERVICE_ACCOUNT_MOUNT_PATH, ROOT_CA_CONFIGMAP } from './defaults/service-account.js';
export { builtinHooks, builtinOpenApiV3Documents, builtinServed, type BuiltinHooks } from './hooks.js';
export { builtinTable } from './tables/index.js';
export { humanDuration, translateTimestampSince } from './tables/duration.js';
export { summarizePod } from './tables/pods.js';
export {
  builtinOpenApiV2, builtinOpenApiV3, builtinOpenApiV3Paths, encodeDocument, openApiV3Path, type EncodedDocument,
  encodeOpenApiV2Protobuf, openApiV2Protobuf, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
} from './openapi/index.js';
export { validateObjectMeta, validateLabels, validateLabelSelector, nameValidatorFor } from './validation/meta.js';
export { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue } from './validation/names.js';
