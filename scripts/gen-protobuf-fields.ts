/**
 * Regenerates src/cluster/apiserver/http/protobuf-fields.ts: the protobuf field numbers of the
 * built-in kinds the API server serves, read from the FileDescriptorProtos that client-go's
 * generated.proto files register (found gzipped inside a kubectl binary).
 *
 *   npx tsx scripts/gen-protobuf-fields.ts [/path/to/kubectl]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, constants } from 'node:zlib';

const BINARY = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const OUT = new URL('../src/cluster/apiserver/http/protobuf-fields.ts', import.meta.url);

/** Top-level kinds (group/version/kind) whose bodies clients may send as protobuf. */
const ROOTS = [
  'core/v1: Namespace Pod Node Service Endpoints ConfigMap Secret ServiceAccount PersistentVolume PersistentVolumeClaim Event LimitRange ResourceQuota Binding',
  'events/v1: Event',
  'coordination/v1: Lease',
  'storage/v1: StorageClass',
  'rbac/v1: Role RoleBinding ClusterRole ClusterRoleBinding',
  'admissionregistration/v1: MutatingWebhookConfiguration ValidatingWebhookConfiguration',
  'authorization/v1: SubjectAccessReview SelfSubjectAccessReview LocalSubjectAccessReview SelfSubjectRulesReview',
  'authentication/v1: TokenReview SelfSubjectReview TokenRequest',
  'policy/v1: PodDisruptionBudget Eviction',
  'apps/v1: ControllerRevision Deployment ReplicaSet DaemonSet StatefulSet',
  'batch/v1: Job CronJob',
  'scheduling/v1: PriorityClass',
  'discovery/v1: EndpointSlice',
  'networking/v1: Ingress IngressClass',
  'autoscaling/v1: Scale',
];

type Fields = Map<number, Buffer[]>;
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  const varint = (): number => {
    let r = 0;
    for (let s = 0; ; s += 7) {
      const b = buf[pos++]!;
      r += (b & 0x7f) * 2 ** s;
      if (!(b & 0x80)) return r;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    let v: Buffer;
    if (wire === 0) {
      const start = pos;
      varint();
      v = buf.subarray(start, pos);
    } else if (wire === 2) {
      const n = varint();
      v = buf.subarray(pos, pos + n);
      pos += n;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      v = buf.subarray(pos, pos + n);
      pos += n;
    } else throw new Error(`wire type ${wire}`);
    const k = Math.floor(tag / 8);
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}
const str = (f: Fields, n: number): string => f.get(n)?.[0]?.toString('utf8') ?? '';
const num = (f: Fields, n: number): number => {
  const b = f.get(n)?.[0];
  if (!b) return 0;
  let r = 0;
  for (let i = 0; i < b.length; i++) r += (b[i]! & 0x7f) * 2 ** (7 * i);
  return r;
};

interface Field { name: string; number: number; type: number; label: number; typeName: string }
interface Message { fields: Field[]; mapEntry: boolean }
const messages = new Map<string, Message>();

function addMessage(prefix: string, d: Buffer): void {
  const f = fields(d);
  const name = `${prefix}.${str(f, 1)}`;
  const opts = f.get(7)?.[0];
  const mapEntry = opts ? num(fields(opts), 7) === 1 : false;
  const fs = (f.get(2) ?? []).map((b) => {
    const ff = fields(b);
    return { name: str(ff, 1), number: num(ff, 3), label: num(ff, 4), type: num(ff, 5), typeName: str(ff, 6).replace(/^\./, '') };
  });
  messages.set(name, { fields: fs, mapEntry });
  for (const nested of f.get(3) ?? []) addMessage(name, nested);
}

const bin = readFileSync(BINARY);
const magic = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
for (let i = bin.indexOf(magic); i >= 0; i = bin.indexOf(magic, i + 1)) {
  let fd: Buffer;
  try {
    fd = gunzipSync(bin.subarray(i, i + 2_000_000), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    continue;
  }
  if (!fd.subarray(0, 200).includes('generated.proto')) continue;
  const f = fields(fd);
  if (!str(f, 1).startsWith('k8s.io/') || !str(f, 1).endsWith('generated.proto')) continue;
  for (const m of f.get(4) ?? []) addMessage(str(f, 2), m);
}

const short = (full: string): string =>
  full.replace(/^k8s\.io\.api\./, '').replace(/^k8s\.io\.apimachinery\.pkg\.apis\.meta\./, 'meta.').replace(/^k8s\.io\.apimachinery\.pkg\./, '');

/** Compact kind letters: s string, b bytes, o bool, i varint, d double, f float, m<Type>, M<value kind> (string keys). */
function kindOf(f: Field): string {
  switch (f.type) {
    case 9: return 's';
    case 12: return 'b';
    case 8: return 'o';
    case 1: return 'd';
    case 2: return 'f';
    case 3: case 4: case 5: case 13: case 14: return 'i';
    case 11: {
      const m = messages.get(f.typeName);
      if (m?.mapEntry) return `M${kindOf(m.fields.find((x) => x.number === 2)!)}`;
      return `m${short(f.typeName)}`;
    }
    default: throw new Error(`unsupported field type ${f.type} of ${f.name}`);
  }
}

/** The few proto field names that differ from the JSON names (go-to-protobuf keeps Go's name when no json tag applies). */
const JSON_NAMES: Record<string, string> = { Webhooks: 'webhooks', aPIGroup: 'apiGroup', uID: 'uid' };
/** Embedded Go structs (`json:",inline"`): their fields belong to the parent object; written with an empty JSON name. */
const INLINE = new Set([
  'core.v1.Volume.volumeSource', 'core.v1.PersistentVolumeSpec.persistentVolumeSource', 'core.v1.Probe.handler',
  'core.v1.EphemeralContainer.ephemeralContainerCommon', 'networking.v1.IngressRule.ingressRuleValue',
]);

const wanted = new Map<string, string>();
const visit = (full: string): void => {
  const s = short(full);
  if (wanted.has(s)) return;
  const m = messages.get(full);
  if (!m) throw new Error(`no descriptor for ${full}`);
  const jsonName = (f: Field): string => (INLINE.has(`${s}.${f.name}`) ? '' : (JSON_NAMES[f.name] ?? f.name));
  const spec = m.fields.map((f) => `${f.number}:${jsonName(f)}:${kindOf(f)}${f.label === 3 ? '*' : ''}`).join(',');
  wanted.set(s, spec);
  for (const f of m.fields) {
    if (f.type !== 11) continue;
    const t = messages.get(f.typeName);
    const target = t?.mapEntry ? t.fields.find((x) => x.number === 2)!.typeName : f.typeName;
    if (target) visit(target);
  }
};
visit('k8s.io.apimachinery.pkg.runtime.Unknown');
for (const line of ROOTS) {
  const [gv, kinds] = line.split(': ') as [string, string];
  for (const k of kinds.split(' ')) visit(`k8s.io.api.${gv.replace('/', '.')}.${k}`);
}

const body = [...wanted.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `  '${k}': '${v}',`).join('\n');
writeFileSync(
  OUT,
  `/**
 * Protobuf field numbers of the built-in kinds served here, per message: "number:jsonName:kind[*]"
 * (kind: s string, b bytes, o bool, i varint, d double, f float, m<Message>, M<value kind> for a
 * string-keyed map; * repeated; an empty jsonName is an embedded struct whose fields are the parent's).
 * Generated by scripts/gen-protobuf-fields.ts from the descriptors of k8s.io/api's generated.proto as
 * compiled into kubectl; do not edit by hand.
 */
export const protobufMessages: Readonly<Record<string, string>> = {
${body}
};
`,
);
console.log(`${wanted.size} messages written to ${OUT.pathname}`);
