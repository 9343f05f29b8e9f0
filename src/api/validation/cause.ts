/**
 * Building blocks shared by the rule groups: causes worded as KubeVirt's admitters word them
 * (a whole sentence, not `Invalid value: ...`), the cluster configuration they read, and
 * small parsers of the formats upstream checks (DNS-1123 names, PCI and MAC addresses, globs).
 */
import type { CauseType, FieldError, FieldPath } from '../meta/index.js';
import { isFeatureGateEnabled, type ClusterConfig } from '../kubevirt/defaults/cluster-config.js';
import { formatQuantity, parseQuantity } from '../kubevirt/quantity.js';
import type { Quantity } from '../kubevirt/schema.js';

/** The cluster configuration every validator reads (the KubeVirt CR laid over upstream's defaults). */
export type ValidationConfig = ClusterConfig;

/** True when the feature gate is on in the cluster configuration. */
export const gateOn = (config: ValidationConfig, gate: string): boolean => isFeatureGateEnabled(config, gate);

/** A cause with upstream's own sentence as its message. */
export const cause = (type: CauseType, field: FieldPath | string, message: string): FieldError => ({
  type,
  field: String(field),
  detail: '',
  message,
});
export const invalidCause = (field: FieldPath | string, message: string): FieldError => cause('FieldValueInvalid', field, message);
export const requiredCause = (field: FieldPath | string, message: string): FieldError => cause('FieldValueRequired', field, message);
export const notSupportedCause = (field: FieldPath | string, message: string): FieldError => cause('FieldValueNotSupported', field, message);

/** A quantity as Go's resource.Quantity prints it ("0" when absent; canonical suffix for whole values). */
export function showQuantity(q: Quantity | undefined | null): string {
  if (q === undefined || q === null) return '0';
  const p = parseQuantity(q);
  if (!p) return String(q);
  if (Number.isInteger(p.value) && p.format !== 'DecimalExponent' && Math.abs(p.value) < Number.MAX_SAFE_INTEGER) {
    return formatQuantity(p.value, p.format);
  }
  return String(q);
}

/** A Go `%v` rendering of a string list: `[a b c]`. */
export const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const labelRe = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const subdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** apimachinery's IsDNS1123Label: the list of problems (empty when valid). */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!labelRe.test(value)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character " +
        `(e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL_FMT}')`,
    );
  }
  return errs;
}

/** apimachinery's IsDNS1123Subdomain: the list of problems (empty when valid). */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!subdomainRe.test(value)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
        `(e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`,
    );
  }
  return errs;
}

/** apimachinery's IsValidPortName (IANA_SVC_NAME): true when valid. */
export function isValidPortName(name: string): boolean {
  return name.length >= 1 && name.length <= 15 && /^[-a-z0-9]+$/.test(name) && /[a-z]/.test(name) && !name.includes('--') && !name.startsWith('-') && !name.endsWith('-');
}

/** KubeVirt's hardware.ParsePciAddress format: `dddd:bb:ss.f`. */
export const isValidPciAddress = (addr: string): boolean => /^[\da-fA-F]{4}:[\da-fA-F]{2}:[\da-fA-F]{2}\.[0-7]$/.test(addr);

/** Go's net.ParseMAC: the address bytes, or undefined when malformed (6, 8 or 20 octets). */
export function parseMAC(s: string): number[] | undefined {
  const sep = s[2] === ':' || s[2] === '-' ? s[2] : s[4] === '.' ? '.' : undefined;
  if (!sep) return undefined;
  const width = sep === '.' ? 4 : 2;
  const groups = s.split(sep);
  const octets = (groups.length * width) / 2;
  if (![6, 8, 20].includes(octets)) return undefined;
  const bytes: number[] = [];
  for (const g of groups) {
    if (g.length !== width || !/^[\da-fA-F]+$/.test(g)) return undefined;
    for (let i = 0; i < width; i += 2) bytes.push(parseInt(g.slice(i, i + 2), 16));
  }
  return bytes;
}

/** Go's filepath.Match for the simple globs machine-type allow-lists use (`*`, `?`). */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`).test(value);
}

/** Go's filepath.Join("/", p) cleaning: the absolute, lexically cleaned form of `p`. */
export function cleanAbsolute(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** The number of vCPUs of a CPU topology (hardware.GetNumberOfVCPUs): unset parts do not count. */
export function vcpuCount(cpu: { cores?: number; sockets?: number; threads?: number } | undefined): number {
  if (!cpu) return 0;
  let n = cpu.cores ?? 0;
  for (const x of [cpu.sockets ?? 0, cpu.threads ?? 0]) if (x !== 0) n = n === 0 ? x : n * x;
  return n;
}
