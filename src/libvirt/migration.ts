/**
 * Migration protocol v3 with typed parameters (virDomainMigrate*3Params): typed migration
 * parameters (VIR_MIGRATE_PARAM_*) and the argument encoders / reply decoders of the
 * BEGIN3/PREPARE3/PERFORM3/FINISH3/CONFIRM3 _PARAMS procedures. Pure; calls live in client.ts.
 */
import { REMOTE_MIGRATE_COOKIE_MAX } from './protocol.js';
import {
  readDomain,
  readOptString,
  readString,
  writeDomain,
  writeOptString,
  writeTypedParams,
  type DomainRef,
  type TypedParam,
} from './remote-types.js';
import type { XdrReader, XdrWriter } from './xdr.js';

/** VIR_MIGRATE_PARAM_* as named fields. Undefined fields are not sent. */
export interface MigrationParams {
  /** migrate_uri: where the source QEMU sends the data (e.g. tcp://10.0.0.2:49152). */
  readonly uri?: string;
  /** destination_name */
  readonly destName?: string;
  /** destination_xml: domain XML to use on the destination. */
  readonly destXml?: string;
  /** persistent_xml */
  readonly persistXml?: string;
  /** bandwidth, MiB/s */
  readonly bandwidth?: number;
  /** bandwidth.postcopy, bytes/s */
  readonly bandwidthPostcopy?: number;
  /** graphics_uri */
  readonly graphicsUri?: string;
  /** listen_address: address the destination listens on. */
  readonly listenAddress?: string;
  /** migrate_disks: disk targets to copy (repeated parameter). */
  readonly migrateDisks?: readonly string[];
  /** disks_port */
  readonly disksPort?: number;
  /** disks_uri */
  readonly disksUri?: string;
  /** compression methods (repeated parameter). */
  readonly compression?: readonly string[];
  /** auto_converge.initial / auto_converge.increment, percent */
  readonly autoConvergeInitial?: number;
  readonly autoConvergeIncrement?: number;
  /** parallel.connections */
  readonly parallelConnections?: number;
  /** tls.destination */
  readonly tlsDestination?: string;
}

/** Converts named migration parameters to libvirt's typed parameter list, in a stable order. */
export function migrationParamsToTyped(p: MigrationParams): TypedParam[] {
  const out: TypedParam[] = [];
  const str = (field: string, v: string | undefined): void => {
    if (v !== undefined) out.push({ field, type: 'STRING', value: v });
  };
  const int = (field: string, v: number | undefined): void => {
    if (v !== undefined) out.push({ field, type: 'INT', value: v });
  };
  const ull = (field: string, v: number | undefined): void => {
    if (v !== undefined) out.push({ field, type: 'ULLONG', value: v });
  };
  str('migrate_uri', p.uri);
  str('destination_name', p.destName);
  str('destination_xml', p.destXml);
  str('persistent_xml', p.persistXml);
  ull('bandwidth', p.bandwidth);
  ull('bandwidth.postcopy', p.bandwidthPostcopy);
  str('graphics_uri', p.graphicsUri);
  str('listen_address', p.listenAddress);
  for (const d of p.migrateDisks ?? []) str('migrate_disks', d);
  int('disks_port', p.disksPort);
  str('disks_uri', p.disksUri);
  for (const c of p.compression ?? []) str('compression', c);
  int('auto_converge.initial', p.autoConvergeInitial);
  int('auto_converge.increment', p.autoConvergeIncrement);
  int('parallel.connections', p.parallelConnections);
  str('tls.destination', p.tlsDestination);
  return out;
}

function writeCookie(w: XdrWriter, cookie: Uint8Array): void {
  w.opaque(cookie, REMOTE_MIGRATE_COOKIE_MAX);
}

function readCookie(r: XdrReader): Buffer {
  return r.opaque(REMOTE_MIGRATE_COOKIE_MAX);
}

/** remote_domain_migrate_begin3_params_args */
export function encodeBegin3Params(w: XdrWriter, dom: DomainRef, params: readonly TypedParam[], flags: number): void {
  writeDomain(w, dom);
  writeTypedParams(w, params);
  w.uint(flags);
}

export interface Begin3Result {
  readonly cookieOut: Buffer;
  /** Domain XML for the destination. */
  readonly xml: string;
}

export function decodeBegin3Params(r: XdrReader): Begin3Result {
  return { cookieOut: readCookie(r), xml: readString(r) };
}

/** remote_domain_migrate_prepare3_params_args (sent to the destination daemon). */
export function encodePrepare3Params(w: XdrWriter, params: readonly TypedParam[], cookieIn: Uint8Array, flags: number): void {
  writeTypedParams(w, params);
  writeCookie(w, cookieIn);
  w.uint(flags);
}

export interface Prepare3Result {
  readonly cookieOut: Buffer;
  /** The URI the source must send to when the caller gave none. */
  readonly uriOut: string | null;
}

export function decodePrepare3Params(r: XdrReader): Prepare3Result {
  return { cookieOut: readCookie(r), uriOut: readOptString(r) };
}

/** remote_domain_migrate_perform3_params_args (sent to the source daemon). */
export function encodePerform3Params(
  w: XdrWriter,
  dom: DomainRef,
  dconnuri: string | null,
  params: readonly TypedParam[],
  cookieIn: Uint8Array,
  flags: number,
): void {
  writeDomain(w, dom);
  writeOptString(w, dconnuri);
  writeTypedParams(w, params);
  writeCookie(w, cookieIn);
  w.uint(flags);
}

export function decodeCookieOnly(r: XdrReader): { readonly cookieOut: Buffer } {
  return { cookieOut: readCookie(r) };
}

/** remote_domain_migrate_finish3_params_args (sent to the destination daemon). */
export function encodeFinish3Params(
  w: XdrWriter,
  params: readonly TypedParam[],
  cookieIn: Uint8Array,
  flags: number,
  cancelled: boolean,
): void {
  writeTypedParams(w, params);
  writeCookie(w, cookieIn);
  w.uint(flags);
  w.int(cancelled ? 1 : 0);
}

export interface Finish3Result {
  readonly domain: DomainRef;
  readonly cookieOut: Buffer;
}

export function decodeFinish3Params(r: XdrReader): Finish3Result {
  return { domain: readDomain(r), cookieOut: readCookie(r) };
}

/** remote_domain_migrate_confirm3_params_args (sent to the source daemon). */
export function encodeConfirm3Params(
  w: XdrWriter,
  dom: DomainRef,
  params: readonly TypedParam[],
  cookieIn: Uint8Array,
  flags: number,
  cancelled: boolean,
): void {
  writeDomain(w, dom);
  writeTypedParams(w, params);
  writeCookie(w, cookieIn);
  w.uint(flags);
  w.int(cancelled ? 1 : 0);
}
