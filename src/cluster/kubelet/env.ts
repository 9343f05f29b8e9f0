/**
 * Container environment as kubelet builds it: envFrom first, then env in order, each value
 * expanded with `$(VAR)` against what is defined so far; command and args expanded against the
 * result. Pure: ConfigMaps and Secrets are looked up in maps the caller fetched beforehand.
 */
import { parseQuantity } from '../apiserver/builtins/quantity.js';
import type { Container, EnvVarSource, Pod, ResourceMap } from './types.js';

/** ConfigMap/Secret data by name (Secret values already decoded), and the node's allocatable. */
export interface EnvSources {
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly secrets: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly nodeAllocatable?: ResourceMap;
  /** The Service variables (service-env.ts): `$(VAR)` falls back to them and they fill in names the container leaves unset. */
  readonly serviceEnv?: ReadonlyMap<string, string>;
}

/** A container whose configuration cannot be built; reason is kubelet's waiting reason. */
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

/** Kubernetes `$(VAR)` expansion: `$$` escapes `$`, unknown or unclosed references stay as written. */
export function expandVars(input: string, vars: { get(name: string): string | undefined }): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += vars.get(name) ?? `$(${name})`;
      i = close;
    } else out += ch;
  }
  return out;
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/** The value of a downward-API fieldPath of a pod, as the fieldRef env source resolves it. */
export function podFieldValue(pod: Pod, fieldPath: string): string {
  const m = SUBSCRIPT.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2] ?? ''] ?? '';
  const meta = pod.metadata;
  switch (fieldPath) {
    case 'metadata.name': return meta?.name ?? '';
    case 'metadata.namespace': return meta?.namespace ?? '';
    case 'metadata.uid': return meta?.uid ?? '';
    case 'metadata.labels': return Object.entries(meta?.labels ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join('\n');
    case 'metadata.annotations': return Object.entries(meta?.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join('\n');
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? 'default';
    case 'status.hostIP': return pod.status?.hostIP ?? '';
    case 'status.hostIPs': return (pod.status?.hostIPs ?? []).map((a) => a.ip).join(',');
    case 'status.podIP': return pod.status?.podIP ?? '';
    case 'status.podIPs': return (pod.status?.podIPs ?? []).map((a) => a.ip).join(',');
    default: throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** resourceFieldRef: the container's limit (node allocatable when unset) or request, divided and rounded up. */
export function resourceFieldValue(pod: Pod, containerName: string, ref: { resource: string; divisor?: string | number; containerName?: string }, nodeAllocatable?: ResourceMap): string {
  const c = pod.spec.containers.find((x) => x.name === (ref.containerName || containerName)) ?? pod.spec.initContainers?.find((x) => x.name === (ref.containerName || containerName));
  const [kind, res] = ref.resource.split('.', 2) as [string, string | undefined];
  if (!res || (kind !== 'limits' && kind !== 'requests')) throw new ContainerConfigError(`unsupported resource: ${ref.resource}`);
  const declared = kind === 'limits' ? c?.resources?.limits?.[res] : (c?.resources?.requests?.[res] ?? c?.resources?.limits?.[res]);
  const raw = declared ?? (kind === 'limits' ? nodeAllocatable?.[res] : 0) ?? 0;
  const value = parseQuantity(raw) ?? 0;
  const divisor = parseQuantity(ref.divisor ?? 1) || 1;
  return String(Math.ceil(value / divisor));
}

function keyRefValue(kind: 'ConfigMap' | 'Secret', ns: string, data: ReadonlyMap<string, Readonly<Record<string, string>>>, ref: { name?: string; key: string; optional?: boolean }): string | undefined {
  const obj = data.get(ref.name ?? '');
  if (!obj) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name ?? ''}" not found`);
  }
  const v = obj[ref.key];
  if (v === undefined && !ref.optional) throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name ?? ''}`);
  return v;
}

function sourceValue(pod: Pod, c: Container, src: EnvVarSource, sources: EnvSources): string | undefined {
  const ns = pod.metadata?.namespace ?? 'default';
  if (src.fieldRef) return podFieldValue(pod, src.fieldRef.fieldPath);
  if (src.resourceFieldRef) return resourceFieldValue(pod, c.name, src.resourceFieldRef, sources.nodeAllocatable);
  if (src.configMapKeyRef) return keyRefValue('ConfigMap', ns, sources.configMaps, src.configMapKeyRef);
  if (src.secretKeyRef) return keyRefValue('Secret', ns, sources.secrets, src.secretKeyRef);
  return undefined;
}

/** The container's environment as an ordered map (later definitions win), then the Service variables it does not set. */
export function containerEnv(pod: Pod, c: Container, sources: EnvSources): Map<string, string> {
  const env = new Map<string, string>();
  const services = sources.serviceEnv ?? new Map<string, string>();
  const lookup = { get: (name: string): string | undefined => env.get(name) ?? services.get(name) };
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const data = (from.configMapRef ? sources.configMaps : sources.secrets).get(ref?.name ?? '');
    if (!data) {
      if (ref?.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref?.name ?? ''}" not found`);
    }
    for (const [k, v] of Object.entries(data)) env.set(`${from.prefix ?? ''}${k}`, v);
  }
  for (const e of c.env ?? []) {
    const v = e.valueFrom ? sourceValue(pod, c, e.valueFrom, sources) : expandVars(e.value ?? '', lookup);
    if (v !== undefined) env.set(e.name, v);
  }
  for (const [k, v] of services) if (!env.has(k)) env.set(k, v);
  return env;
}

/**
 * The argv kubelet runs: command (or the image entrypoint) then args (or the image cmd), expanded.
 * A command naming one of the image's `binaries` (by name or path) runs that binary's argv, so a
 * component image's `virt-launcher --flags` runs `node dist/cmd/virt-launcher.js --flags`.
 */
export function containerArgv(
  c: Container,
  env: ReadonlyMap<string, string>,
  image: { entrypoint?: readonly string[]; cmd?: readonly string[]; binaries?: Readonly<Record<string, readonly string[]>> } = {},
): string[] {
  const command = c.command ?? image.entrypoint ?? [];
  const args = c.args ?? (c.command ? [] : (image.cmd ?? []));
  const argv = [...command, ...args].map((s) => expandVars(s, env));
  const first = argv[0];
  const binary = first === undefined ? undefined : image.binaries?.[first.slice(first.lastIndexOf('/') + 1)];
  return binary && c.command ? [...binary, ...argv.slice(1)] : argv;
}

/** The ConfigMap and Secret names a pod's containers and volumes reference. */
export function referencedObjects(pod: Pod): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef) configMaps.add(f.configMapRef.name);
      if (f.secretRef) secrets.add(f.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap) configMaps.add(v.configMap.name);
    if (v.secret) secrets.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap) configMaps.add(s.configMap.name);
      if (s.secret) secrets.add(s.secret.name);
    }
  }
  return { configMaps, secrets };
}
