/**
 * The handler <-> launcher contract: one typed file both ends import. Newline-delimited JSON over
 * a unix socket: requests `{id, method, params}`, replies `{id, result}` or `{id, error}`, and
 * server-pushed events `{event}` (no id).
 */
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';

/** Default command socket name inside the launcher's private directory. */
export const LAUNCHER_SOCKET_NAME = 'launcher.sock';
/** Protocol version the server reports from ping; bumped on incompatible changes. */
export const LAUNCHER_PROTOCOL_VERSION = 1;
/** Largest accepted line (a VMI with big cloud-init data fits comfortably). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Options of a sync, decided by the handler for this node. */
export interface SyncOptions {
  /** 'auto': KVM when usable; 'always': TCG; 'never': fail without KVM. */
  readonly emulation?: 'auto' | 'always' | 'never';
  /** Network mode: the pod network (masquerade/bridge) or QEMU user-mode networking. */
  readonly network?: 'pod' | 'user';
}

/** Libvirt domain state and reason, by libvirt's names ('Running'/'Booted', 'Shutoff'/'Crashed'). */
export interface DomainStatus {
  readonly state: string;
  readonly reason: string;
}

/** One guest interface as the launcher knows it (from the domain and, if any, the guest agent). */
export interface DomainInterfaceInfo {
  readonly name: string;
  readonly mac: string;
  readonly ips: readonly string[];
}

/** What getDomain returns: enough for the handler to write VMI status. */
export interface DomainSummary extends DomainStatus {
  /** `<namespace>_<name>`. */
  readonly name: string;
  readonly uuid: string;
  /** 'kvm' or 'qemu' (TCG). */
  readonly virtType: string;
  readonly vcpus: number;
  readonly memoryKiB: number;
  readonly interfaces: readonly DomainInterfaceInfo[];
  readonly guestInfo?: GuestInfo;
}

/** Guest information from the QEMU guest agent. */
export interface GuestInfo {
  readonly agentConnected: boolean;
  readonly hostname?: string;
  readonly os?: Readonly<Record<string, string>>;
}

/** Counters for metrics. */
export interface DomainStats {
  readonly cpuTimeNs: number;
  readonly memoryKiB: number;
  readonly raw: Readonly<Record<string, number | string>>;
}

/** A picture of the guest's display (VGA/VNC), as PNG. */
export interface Screenshot {
  readonly mimeType: 'image/png';
  /** The PNG, base64. */
  readonly data: string;
}

/** Every method: params and result types. */
export interface LauncherMethods {
  ping: { params: Record<string, never>; result: { version: number; pid: number; domain: string } };
  sync: { params: { vmi: VirtualMachineInstance; options?: SyncOptions }; result: DomainStatus };
  shutdown: { params: { gracePeriodSeconds?: number }; result: DomainStatus };
  kill: { params: Record<string, never>; result: DomainStatus };
  pause: { params: Record<string, never>; result: DomainStatus };
  unpause: { params: Record<string, never>; result: DomainStatus };
  softReboot: { params: Record<string, never>; result: DomainStatus };
  reset: { params: Record<string, never>; result: DomainStatus };
  getDomain: { params: Record<string, never>; result: DomainSummary | null };
  getStats: { params: Record<string, never>; result: DomainStats | null };
  getGuestInfo: { params: Record<string, never>; result: GuestInfo };
  screenshot: { params: Record<string, never>; result: Screenshot };
}
export type LauncherMethod = keyof LauncherMethods;
/** Methods added after protocol version 1 that a launcher may not implement (UnknownMethod). */
export type OptionalLauncherMethod = 'screenshot';
export const LAUNCHER_METHODS: readonly LauncherMethod[] = [
  'ping', 'sync', 'shutdown', 'kill', 'pause', 'unpause', 'softReboot', 'reset', 'getDomain', 'getStats', 'getGuestInfo', 'screenshot',
];

/** Events the launcher pushes to every connected client. */
export type LauncherEvent =
  | { readonly type: 'lifecycle'; readonly state: string; readonly reason: string }
  | { readonly type: 'agent'; readonly connected: boolean }
  | { readonly type: 'exiting'; readonly reason: string };

/** Stable error codes; `reason` doubles as the Kubernetes Event/Condition reason. */
export type LauncherErrorCode =
  | 'BadRequest' | 'UnknownMethod' | 'NoDomain' | 'InvalidVMI' | 'SyncFailed' | 'Libvirt' | 'Network'
  | 'Unavailable' | 'Internal';

/** The error body on the wire. */
export interface LauncherErrorBody {
  readonly code: LauncherErrorCode;
  readonly reason: string;
  readonly message: string;
}

/** A failed call, on either end. */
export class LauncherError extends Error {
  constructor(readonly code: LauncherErrorCode, readonly reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LauncherError';
  }
  toBody(): LauncherErrorBody {
    return { code: this.code, reason: this.reason, message: this.message };
  }
}

export type RequestFrame = { readonly id: number; readonly method: string; readonly params: unknown };
export type ReplyFrame =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: LauncherErrorBody };
export type EventFrame = { readonly event: LauncherEvent };

/** Encodes one frame as a line. */
export function encodeFrame(frame: RequestFrame | ReplyFrame | EventFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

/**
 * Splits a byte stream into lines: feed chunks, get complete lines back. Rejects a line longer
 * than MAX_LINE_BYTES so a peer cannot grow memory without bound.
 */
export class LineSplitter {
  private buf = '';
  push(chunk: string): string[] {
    this.buf += chunk;
    const lines = this.buf.split('\n');
    this.buf = lines.pop() ?? '';
    if (this.buf.length > MAX_LINE_BYTES) throw new LauncherError('BadRequest', 'FrameTooLarge', `frame exceeds ${MAX_LINE_BYTES} bytes`);
    return lines.filter((l) => l.length > 0);
  }
}
