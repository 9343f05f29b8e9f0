/**
 * Multi-parameter flag values as upstream's `create` commands read them:
 * `key:value,key2:value2` (the value may hold further colons, `src:reg/img:tag`), with upstream's
 * error wording: `failed to parse "--FLAG" flag: ...`.
 */
import { VirtctlError } from './errors.js';

/** An error about one flag, worded as upstream's params.FlagErr. */
export function flagError(flag: string, message: string): VirtctlError {
  return new VirtctlError(`failed to parse "--${flag}" flag: ${message}`);
}

/** Splits `k:v,k2:v2` into a map; every part needs a colon. */
export function splitParams(flag: string, value: string): Map<string, string> {
  if (value === '') throw flagError(flag, 'params may not be empty');
  const out = new Map<string, string>();
  for (const part of value.split(',')) {
    const i = part.indexOf(':');
    if (i < 0) throw flagError(flag, `params need to have at least one colon: ${part}`);
    out.set(part.slice(0, i), part.slice(i + 1));
  }
  return out;
}

/** Takes the known keys out of a param string; any other key is an error. */
export function takeParams<K extends string>(flag: string, value: string, known: readonly K[]): Partial<Record<K, string>> {
  const all = splitParams(flag, value);
  const out: Partial<Record<K, string>> = {};
  for (const k of known) {
    const v = all.get(k);
    if (v !== undefined) {
      out[k] = v;
      all.delete(k);
    }
  }
  if (all.size > 0) throw flagError(flag, `unknown param(s): ${[...all].map(([k, v]) => `${k}:${v}`).join(',')}`);
  return out;
}

/** A `bootorder` param: an unsigned integer. */
export function parseBootOrder(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw flagError(flag, `failed to parse param "bootorder": strconv.ParseUint: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** A resource.Quantity param (`size`, `--memory`): checked for quantity syntax, kept as written. */
export function parseQuantity(flag: string, key: string, v: string): string {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/.test(v)) throw flagError(flag, `failed to parse param "${key}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return v;
}

/** Splits `prefix/name` (upstream's SplitPrefixedName). */
export function splitPrefixedName(flag: string, s: string): { prefix?: string; name: string } {
  const parts = s.split('/');
  if (parts.length > 2) throw flagError(flag, `invalid count ${parts.length} of slashes in prefix/name`);
  const name = parts[parts.length - 1]!;
  if (name === '') throw flagError(flag, 'name cannot be empty');
  return parts.length === 2 ? { prefix: parts[0]!, name } : { name };
}

/** Checks a volume name is an RFC 1123 label. */
export function checkLabel(flag: string, name: string): void {
  if (name.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw flagError(flag, `invalid name "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`);
  }
}
