/**
 * LibvirtError: the one error type of this client. A server-side failure carries libvirt's own
 * virErrorNumber, virErrorDomain, level and message (from include/libvirt/virterror.h); transport
 * failures use VIR_ERR_RPC with libvirt-like wording.
 */

/** virErrorNumber values this code base checks for (the full list is in virterror.h). */
export const VIR_ERR_OK = 0;
export const VIR_ERR_INTERNAL_ERROR = 1;
export const VIR_ERR_NO_SUPPORT = 3;
export const VIR_ERR_NO_CONNECT = 5;
export const VIR_ERR_INVALID_ARG = 8;
export const VIR_ERR_OPERATION_FAILED = 9;
export const VIR_ERR_XML_ERROR = 27;
export const VIR_ERR_DOM_EXIST = 28;
export const VIR_ERR_OPERATION_DENIED = 29;
export const VIR_ERR_SYSTEM_ERROR = 38;
export const VIR_ERR_RPC = 39;
export const VIR_ERR_NO_DOMAIN = 42;
export const VIR_ERR_AUTH_FAILED = 45;
export const VIR_ERR_OPERATION_INVALID = 55;
export const VIR_ERR_CONFIG_UNSUPPORTED = 67;
export const VIR_ERR_OPERATION_TIMEOUT = 68;
export const VIR_ERR_ARGUMENT_UNSUPPORTED = 74;
export const VIR_ERR_OPERATION_ABORTED = 78;
export const VIR_ERR_OPERATION_UNSUPPORTED = 84;
export const VIR_ERR_AGENT_UNRESPONSIVE = 86;
export const VIR_ERR_RESOURCE_BUSY = 87;
export const VIR_ERR_XML_INVALID_SCHEMA = 92;
export const VIR_ERR_DEVICE_MISSING = 99;

const CODE_NAMES: Readonly<Record<number, string>> = {
  [VIR_ERR_OK]: 'VIR_ERR_OK',
  [VIR_ERR_INTERNAL_ERROR]: 'VIR_ERR_INTERNAL_ERROR',
  [VIR_ERR_NO_SUPPORT]: 'VIR_ERR_NO_SUPPORT',
  [VIR_ERR_NO_CONNECT]: 'VIR_ERR_NO_CONNECT',
  [VIR_ERR_INVALID_ARG]: 'VIR_ERR_INVALID_ARG',
  [VIR_ERR_OPERATION_FAILED]: 'VIR_ERR_OPERATION_FAILED',
  [VIR_ERR_XML_ERROR]: 'VIR_ERR_XML_ERROR',
  [VIR_ERR_DOM_EXIST]: 'VIR_ERR_DOM_EXIST',
  [VIR_ERR_OPERATION_DENIED]: 'VIR_ERR_OPERATION_DENIED',
  [VIR_ERR_SYSTEM_ERROR]: 'VIR_ERR_SYSTEM_ERROR',
  [VIR_ERR_RPC]: 'VIR_ERR_RPC',
  [VIR_ERR_NO_DOMAIN]: 'VIR_ERR_NO_DOMAIN',
  [VIR_ERR_AUTH_FAILED]: 'VIR_ERR_AUTH_FAILED',
  [VIR_ERR_OPERATION_INVALID]: 'VIR_ERR_OPERATION_INVALID',
  [VIR_ERR_CONFIG_UNSUPPORTED]: 'VIR_ERR_CONFIG_UNSUPPORTED',
  [VIR_ERR_OPERATION_TIMEOUT]: 'VIR_ERR_OPERATION_TIMEOUT',
  [VIR_ERR_ARGUMENT_UNSUPPORTED]: 'VIR_ERR_ARGUMENT_UNSUPPORTED',
  [VIR_ERR_OPERATION_ABORTED]: 'VIR_ERR_OPERATION_ABORTED',
  [VIR_ERR_OPERATION_UNSUPPORTED]: 'VIR_ERR_OPERATION_UNSUPPORTED',
  [VIR_ERR_AGENT_UNRESPONSIVE]: 'VIR_ERR_AGENT_UNRESPONSIVE',
  [VIR_ERR_RESOURCE_BUSY]: 'VIR_ERR_RESOURCE_BUSY',
  [VIR_ERR_XML_INVALID_SCHEMA]: 'VIR_ERR_XML_INVALID_SCHEMA',
  [VIR_ERR_DEVICE_MISSING]: 'VIR_ERR_DEVICE_MISSING',
};

/** virErrorDomain values (where in libvirt an error was raised). */
export const VIR_FROM_NONE = 0;
export const VIR_FROM_RPC = 7;
export const VIR_FROM_QEMU = 10;
export const VIR_FROM_REMOTE = 13;
export const VIR_FROM_DOMAIN = 20;

/** virErrorLevel */
export const VIR_ERR_LEVEL_NONE = 0;
export const VIR_ERR_LEVEL_WARNING = 1;
export const VIR_ERR_LEVEL_ERROR = 2;

/** Fields of libvirt's remote_error, as decoded from an ERROR reply. */
export interface RemoteErrorFields {
  readonly code: number;
  readonly domain: number;
  readonly message: string | null;
  readonly level: number;
  readonly str1: string | null;
  readonly str2: string | null;
  readonly str3: string | null;
  readonly int1: number;
  readonly int2: number;
}

/** A failed libvirt call (or a broken connection), with libvirt's error code and message. */
export class LibvirtError extends Error {
  /** virErrorNumber, e.g. VIR_ERR_NO_DOMAIN (42). */
  readonly code: number;
  /** virErrorDomain, e.g. VIR_FROM_QEMU (10). */
  readonly domain: number;
  /** virErrorLevel */
  readonly level: number;
  readonly str1: string | null;
  readonly str2: string | null;
  readonly str3: string | null;
  readonly int1: number;
  readonly int2: number;

  constructor(fields: Partial<RemoteErrorFields> & { code: number; message: string | null }, options?: { cause?: unknown }) {
    super(fields.message ?? `libvirt error ${fields.code}`, options);
    this.name = 'LibvirtError';
    this.code = fields.code;
    this.domain = fields.domain ?? VIR_FROM_NONE;
    this.level = fields.level ?? VIR_ERR_LEVEL_ERROR;
    this.str1 = fields.str1 ?? null;
    this.str2 = fields.str2 ?? null;
    this.str3 = fields.str3 ?? null;
    this.int1 = fields.int1 ?? 0;
    this.int2 = fields.int2 ?? 0;
  }

  /** The symbolic name of the code (VIR_ERR_NO_DOMAIN), or VIR_ERR_<n> for codes not listed here. */
  get codeName(): string {
    return CODE_NAMES[this.code] ?? `VIR_ERR_${this.code}`;
  }
}

/** A transport-level failure (socket closed, keepalive timeout, protocol violation). */
export function rpcError(message: string, cause?: unknown): LibvirtError {
  return new LibvirtError({ code: VIR_ERR_RPC, domain: VIR_FROM_RPC, message }, cause === undefined ? undefined : { cause });
}

/** True when `err` is a LibvirtError with the given code. */
export function isLibvirtError(err: unknown, code?: number): err is LibvirtError {
  return err instanceof LibvirtError && (code === undefined || err.code === code);
}
