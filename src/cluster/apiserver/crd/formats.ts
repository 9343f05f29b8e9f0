/**
 * The string formats apiextensions-apiserver checks (kube-openapi's strfmt registry, minus the
 * formats it strips as unsupported). Unknown formats are not checked, as upstream.
 */
import { isIP } from 'node:net';

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const fullDate = /^\d{4}-\d{2}-\d{2}$/;
const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuidVersioned = (v: number): RegExp => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i');
const mac = /^([0-9a-f]{2}([:-]))([0-9a-f]{2}\2){4}[0-9a-f]{2}$|^([0-9a-f]{4}\.){2}[0-9a-f]{4}$/i;
const hostname = /^(?=.{1,255}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const email = /^[^\s@]+@[^\s@]+$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const duration = /^(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w|seconds?|minutes?|hours?|days?|weeks?)\s*)+$/;

function validDate(s: string, re: RegExp): boolean {
  if (!re.test(s)) return false;
  return !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
}

function validCIDR(s: string): boolean {
  const [ip, bits, ...rest] = s.split('/');
  if (rest.length > 0 || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const v = isIP(ip);
  return v !== 0 && Number(bits) <= (v === 4 ? 32 : 128);
}

function validURI(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

const checks: Record<string, (s: string) => boolean> = {
  'date-time': (s) => validDate(s, rfc3339),
  datetime: (s) => validDate(s, rfc3339),
  date: (s) => validDate(s, fullDate),
  byte: (s) => base64.test(s),
  uuid: (s) => uuid.test(s),
  uuid3: (s) => uuidVersioned(3).test(s),
  uuid4: (s) => uuidVersioned(4).test(s),
  uuid5: (s) => uuidVersioned(5).test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  cidr: validCIDR,
  mac: (s) => mac.test(s),
  hostname: (s) => hostname.test(s),
  email: (s) => email.test(s),
  uri: validURI,
  duration: (s) => duration.test(s),
};

/** True when `s` satisfies `format` (or the format is not one apiextensions checks). */
export function matchesFormat(format: string, s: string): boolean {
  const check = checks[format];
  return check ? check(s) : true;
}
