/**
 * LibvirtConnection: a libvirt client speaking the remote protocol over a daemon's unix socket.
 * Method names follow libvirt's C API (virDomainCreateWithFlags -> domainCreate); failures reject
 * with LibvirtError carrying libvirt's code and message.
 */
import {
  decodeBlockStats,
  decodeDomainInfo,
  decodeDomainState,
  decodeInterfaceAddresses,
  decodeInterfaceStats,
  decodeJobInfo,
  decodeMemoryStats,
  jobTypeName,
  type BlockStats,
  type DomainInfo,
  type DomainInterface,
  type DomainState,
  type InterfaceStats,
  type JobInfo,
  type MemoryStats,
} from './domain-info.js';
import { InterfaceAddressSource, type InterfaceAddressSourceName } from './enums.js';
import { LibvirtError, VIR_ERR_AUTH_FAILED, VIR_ERR_OPERATION_TIMEOUT, VIR_FROM_REMOTE } from './errors.js';
import { decodeDomainEvent, DOMAIN_EVENT_KINDS, type DomainEvent, type DomainEventKind } from './events.js';
import {
  decodeBegin3Params,
  decodeCookieOnly,
  decodeFinish3Params,
  decodePrepare3Params,
  encodeBegin3Params,
  encodeConfirm3Params,
  encodeFinish3Params,
  encodePerform3Params,
  encodePrepare3Params,
  migrationParamsToTyped,
  type Begin3Result,
  type Finish3Result,
  type MigrationParams,
  type Prepare3Result,
} from './migration.js';
import {
  AuthType,
  DrvFeature,
  QEMU_PROGRAM,
  QEMU_PROTOCOL_VERSION,
  QemuProc,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  RemoteProc,
  UUID_LEN,
} from './protocol.js';
import {
  readDomain,
  readOptString,
  readString,
  readTypedParams,
  typedParamsToRecord,
  uuidToBytes,
  writeDomain,
  writeOptString,
  writeString,
  type DomainRef,
  type TypedParam,
} from './remote-types.js';
import { RpcClient, type ArgsEncoder, type RpcOptions } from './rpc.js';
import type { XdrReader } from './xdr.js';

/** Options of LibvirtConnection.connect. */
export interface ConnectOptions extends RpcOptions {
  /** URI given to CONNECT_OPEN; default qemu:///system. */
  readonly uri?: string;
  /** Open read-only (VIR_CONNECT_RO). */
  readonly readOnly?: boolean;
  /** Deadline for the whole handshake (a daemon that accepts but never answers); default 30 s. */
  readonly connectTimeoutMs?: number;
}

/** Options of subscribeDomainEvents. */
export interface SubscribeOptions {
  /** Event kinds to register; default lifecycle, reboot, agentLifecycle, deviceRemoved. */
  readonly kinds?: readonly DomainEventKind[];
  /** Only events of this domain (server-side filter). */
  readonly domain?: DomainRef;
}

/** virDomainGetJobStats: job type plus its typed statistics. */
export interface JobStats {
  readonly type: number;
  readonly typeName: string;
  readonly params: readonly TypedParam[];
  readonly stats: Record<string, number | bigint | boolean | string>;
}

/** One domain's statistics from getDomainStats, keyed by libvirt's field names. */
export interface DomainStatsRecord {
  readonly domain: DomainRef;
  readonly stats: Record<string, number | bigint | boolean | string>;
}

const DEFAULT_EVENT_KINDS: readonly DomainEventKind[] = ['lifecycle', 'reboot', 'agentLifecycle', 'deviceRemoved'];
/** VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT: libvirt's default agent timeout. */
export const AGENT_COMMAND_TIMEOUT_DEFAULT = -1;

function decodeVoid(): void {
  return undefined;
}

/** An open connection to a libvirt daemon. */
export class LibvirtConnection {
  private readonly eventCallbacks = new Map<number, (ev: DomainEvent) => void>();

  private constructor(readonly rpc: RpcClient) {
    rpc.onEvent((ev) => {
      if (ev.prog !== REMOTE_PROGRAM) return;
      // Deliver after pending continuations: an event may arrive in the same read as the reply
      // to the registration that names its callback id.
      setImmediate(() => {
        let decoded;
        try {
          decoded = decodeDomainEvent(ev.proc, ev.body);
        } catch {
          return; // a malformed event must not break the connection's other users
        }
        if (decoded) this.eventCallbacks.get(decoded.callbackId)?.(decoded.event);
      });
    });
  }

  /**
   * Connects to a daemon's unix socket and opens the hypervisor connection: AUTH_LIST (only
   * auth "none" is supported), CONNECT_OPEN, then keepalive when the daemon supports it.
   */
  static async connect(socketPath: string, opts: ConnectOptions = {}): Promise<LibvirtConnection> {
    const rpc = await RpcClient.connectUnix(socketPath, opts);
    const conn = new LibvirtConnection(rpc);
    const timeoutMs = opts.connectTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      rpc.abort(new LibvirtError({ code: VIR_ERR_OPERATION_TIMEOUT, domain: VIR_FROM_REMOTE, message: `timed out after ${timeoutMs} ms opening the connection to ${socketPath}` }));
    }, timeoutMs);
    try {
      const auth = await conn.remote(RemoteProc.AUTH_LIST, undefined, (r) => r.array((x) => x.int(), 20));
      if (auth.length > 0 && !auth.includes(AuthType.NONE)) {
        throw new LibvirtError({
          code: VIR_ERR_AUTH_FAILED,
          domain: VIR_FROM_REMOTE,
          message: `authentication failed: unsupported authentication type(s) ${auth.join(', ')}`,
        });
      }
      await conn.remote(RemoteProc.CONNECT_OPEN, (w) => {
        writeOptString(w, opts.uri ?? 'qemu:///system');
        w.uint(opts.readOnly ? 1 : 0);
      }, decodeVoid);
      if (await conn.supportsFeature(DrvFeature.PROGRAM_KEEPALIVE)) rpc.startKeepalive();
      return conn;
    } catch (err) {
      await rpc.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Calls a REMOTE procedure and decodes its reply, checking that every reply byte was read. */
  private async remote<T>(proc: number, args: ArgsEncoder | undefined, decode: (r: XdrReader) => T): Promise<T> {
    const r = await this.rpc.call(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, args);
    const v = decode(r);
    r.end();
    return v;
  }

  private domainCall(proc: number, dom: DomainRef, flags?: number): Promise<void> {
    return this.remote(proc, (w) => {
      writeDomain(w, dom);
      if (flags !== undefined) w.uint(flags);
    }, decodeVoid);
  }

  /** True once the connection is closed. */
  get isClosed(): boolean {
    return this.rpc.isClosed;
  }

  /** Called once when the connection closes (null after close(), the error otherwise). */
  onClose(listener: (err: LibvirtError | null) => void): () => void {
    return this.rpc.onClose(listener);
  }

  /** CONNECT_CLOSE, then closes the socket. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.rpc.isClosed) {
      try {
        await this.remote(RemoteProc.CONNECT_CLOSE, undefined, decodeVoid);
      } catch {
        // The daemon may already be gone; closing the socket is all that is left to do.
      }
    }
    await this.rpc.close();
  }

  async supportsFeature(feature: number): Promise<boolean> {
    return this.remote(RemoteProc.CONNECT_SUPPORTS_FEATURE, (w) => w.int(feature), (r) => r.int() !== 0);
  }

  getURI(): Promise<string> {
    return this.remote(RemoteProc.CONNECT_GET_URI, undefined, readString);
  }

  /** libvirt library version of the daemon, as major * 1,000,000 + minor * 1,000 + micro. */
  getLibVersion(): Promise<number> {
    return this.remote(RemoteProc.CONNECT_GET_LIB_VERSION, undefined, (r) => r.uhyperNumber());
  }

  getCapabilities(): Promise<string> {
    return this.remote(RemoteProc.CONNECT_GET_CAPABILITIES, undefined, readString);
  }

  // ---- domain lookup and definition ----

  lookupDomainByName(name: string): Promise<DomainRef> {
    return this.remote(RemoteProc.DOMAIN_LOOKUP_BY_NAME, (w) => writeString(w, name), readDomain);
  }

  lookupDomainByUUID(uuid: string): Promise<DomainRef> {
    const bytes = uuidToBytes(uuid);
    return this.remote(RemoteProc.DOMAIN_LOOKUP_BY_UUID, (w) => w.fixedOpaque(bytes, UUID_LEN), readDomain);
  }

  /** virConnectListAllDomains with ListDomainsFlags (0 = all). */
  listAllDomains(flags = 0): Promise<DomainRef[]> {
    return this.remote(RemoteProc.CONNECT_LIST_ALL_DOMAINS, (w) => w.int(1).uint(flags), (r) => {
      const doms = r.array(readDomain, 16384);
      r.uint();
      return doms;
    });
  }

  /** virDomainDefineXMLFlags: defines (or redefines) a persistent domain. */
  domainDefineXML(xml: string, flags = 0): Promise<DomainRef> {
    return this.remote(RemoteProc.DOMAIN_DEFINE_XML_FLAGS, (w) => {
      writeString(w, xml);
      w.uint(flags);
    }, readDomain);
  }

  /** virDomainCreateXML: starts a transient domain. */
  domainCreateXML(xml: string, flags = 0): Promise<DomainRef> {
    return this.remote(RemoteProc.DOMAIN_CREATE_XML, (w) => {
      writeString(w, xml);
      w.uint(flags);
    }, readDomain);
  }

  /** virDomainUndefineFlags (UndefineFlags). */
  domainUndefine(dom: DomainRef, flags = 0): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_UNDEFINE_FLAGS, dom, flags);
  }

  // ---- lifecycle ----

  /** virDomainCreateWithFlags: starts a defined domain; resolves with its new id. */
  domainCreate(dom: DomainRef, flags = 0): Promise<DomainRef> {
    return this.remote(RemoteProc.DOMAIN_CREATE_WITH_FLAGS, (w) => {
      writeDomain(w, dom);
      w.uint(flags);
    }, readDomain);
  }

  /** virDomainDestroyFlags: hard power-off (DestroyFlags.GRACEFUL tries SIGTERM only). */
  domainDestroy(dom: DomainRef, flags = 0): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_DESTROY_FLAGS, dom, flags);
  }

  /** virDomainShutdownFlags: asks the guest to power off (ShutdownFlags.ACPI_POWER_BTN, GUEST_AGENT...). */
  domainShutdown(dom: DomainRef, flags = 0): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_SHUTDOWN_FLAGS, dom, flags);
  }

  /** virDomainReboot (ShutdownFlags values). */
  domainReboot(dom: DomainRef, flags = 0): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_REBOOT, dom, flags);
  }

  /** virDomainReset: hard reset, like the reset button. */
  domainReset(dom: DomainRef): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_RESET, dom, 0);
  }

  domainSuspend(dom: DomainRef): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_SUSPEND, dom);
  }

  domainResume(dom: DomainRef): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_RESUME, dom);
  }

  // ---- state and info ----

  domainGetState(dom: DomainRef): Promise<DomainState> {
    return this.remote(RemoteProc.DOMAIN_GET_STATE, (w) => {
      writeDomain(w, dom);
      w.uint(0);
    }, decodeDomainState);
  }

  domainGetInfo(dom: DomainRef): Promise<DomainInfo> {
    return this.remote(RemoteProc.DOMAIN_GET_INFO, (w) => writeDomain(w, dom), decodeDomainInfo);
  }

  domainIsActive(dom: DomainRef): Promise<boolean> {
    return this.remote(RemoteProc.DOMAIN_IS_ACTIVE, (w) => writeDomain(w, dom), (r) => r.int() !== 0);
  }

  /** virDomainGetXMLDesc (DomainXMLFlags). */
  domainGetXMLDesc(dom: DomainRef, flags = 0): Promise<string> {
    return this.remote(RemoteProc.DOMAIN_GET_XML_DESC, (w) => {
      writeDomain(w, dom);
      w.uint(flags);
    }, readString);
  }

  // ---- statistics ----

  /** virDomainMemoryStats: balloon and guest memory statistics by tag name. */
  domainMemoryStats(dom: DomainRef): Promise<MemoryStats> {
    return this.remote(RemoteProc.DOMAIN_MEMORY_STATS, (w) => {
      writeDomain(w, dom);
      w.uint(32).uint(0);
    }, decodeMemoryStats);
  }

  /** virDomainBlockStats for a disk target (vda) or source path. */
  domainBlockStats(dom: DomainRef, disk: string): Promise<BlockStats> {
    return this.remote(RemoteProc.DOMAIN_BLOCK_STATS, (w) => {
      writeDomain(w, dom);
      writeString(w, disk);
    }, decodeBlockStats);
  }

  /** virDomainBlockStatsFlags: all typed block statistics (rd_total_times, flush_operations...). */
  async domainBlockStatsFlags(dom: DomainRef, disk: string, flags = 0): Promise<TypedParam[]> {
    const ask = (nparams: number): Promise<{ params: TypedParam[]; nparams: number }> =>
      this.remote(RemoteProc.DOMAIN_BLOCK_STATS_FLAGS, (w) => {
        writeDomain(w, dom);
        writeString(w, disk);
        w.int(nparams).uint(flags);
      }, (r) => ({ params: readTypedParams(r), nparams: r.int() }));
    // As libvirt's own client does: ask for the count first, then for that many values.
    const { nparams } = await ask(0);
    return nparams > 0 ? (await ask(nparams)).params : [];
  }

  /** virDomainInterfaceStats for an interface (target dev name, alias or MAC). */
  domainInterfaceStats(dom: DomainRef, device: string): Promise<InterfaceStats> {
    return this.remote(RemoteProc.DOMAIN_INTERFACE_STATS, (w) => {
      writeDomain(w, dom);
      writeString(w, device);
    }, decodeInterfaceStats);
  }

  /** virDomainInterfaceAddresses from DHCP leases, the guest agent, or the host's ARP table. */
  domainInterfaceAddresses(dom: DomainRef, source: InterfaceAddressSourceName): Promise<DomainInterface[]> {
    const src = { lease: InterfaceAddressSource.LEASE, agent: InterfaceAddressSource.AGENT, arp: InterfaceAddressSource.ARP }[source];
    return this.remote(RemoteProc.DOMAIN_INTERFACE_ADDRESSES, (w) => {
      writeDomain(w, dom);
      w.uint(src).uint(0);
    }, decodeInterfaceAddresses);
  }

  // ---- guest agent ----

  /**
   * virDomainQemuAgentCommand: sends a JSON command to the guest agent and returns its JSON reply.
   * timeoutSeconds: -2 block, -1 libvirt's default, 0 no wait, >0 seconds.
   */
  domainQemuAgentCommand(dom: DomainRef, command: string, timeoutSeconds = AGENT_COMMAND_TIMEOUT_DEFAULT, flags = 0): Promise<string | null> {
    return this.qemu(QemuProc.DOMAIN_AGENT_COMMAND, (w) => {
      writeDomain(w, dom);
      writeString(w, command);
      w.int(timeoutSeconds).uint(flags);
    }, readOptString);
  }

  /**
   * virDomainQemuMonitorCommand: sends a QMP command (JSON; flags 0) to the domain's QEMU monitor
   * and returns the JSON reply. Libvirt marks the domain tainted (custom-monitor).
   */
  domainQemuMonitorCommand(dom: DomainRef, command: string, flags = 0): Promise<string> {
    return this.qemu(QemuProc.DOMAIN_MONITOR_COMMAND, (w) => {
      writeDomain(w, dom);
      writeString(w, command);
      w.uint(flags);
    }, readString);
  }

  /** virDomainGetGuestInfo (GuestInfoTypes bits; 0 = all), flattened into a record. */
  async domainGetGuestInfo(dom: DomainRef, types = 0, flags = 0): Promise<Record<string, number | bigint | boolean | string>> {
    const params = await this.remote(RemoteProc.DOMAIN_GET_GUEST_INFO, (w) => {
      writeDomain(w, dom);
      w.uint(types).uint(flags);
    }, readTypedParams);
    return typedParamsToRecord(params);
  }

  private async qemu<T>(proc: number, args: ArgsEncoder, decode: (r: XdrReader) => T): Promise<T> {
    const r = await this.rpc.call(QEMU_PROGRAM, QEMU_PROTOCOL_VERSION, proc, args);
    const v = decode(r);
    r.end();
    return v;
  }

  // ---- devices ----

  /** virDomainAttachDeviceFlags (AffectFlags): hotplugs a device described by XML. */
  domainAttachDevice(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    return this.deviceCall(RemoteProc.DOMAIN_ATTACH_DEVICE_FLAGS, dom, xml, flags);
  }

  /** virDomainDetachDeviceFlags: asks for unplug; completion is the deviceRemoved event. */
  domainDetachDevice(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    return this.deviceCall(RemoteProc.DOMAIN_DETACH_DEVICE_FLAGS, dom, xml, flags);
  }

  /** virDomainUpdateDeviceFlags (e.g. change a CD-ROM's media). */
  domainUpdateDevice(dom: DomainRef, xml: string, flags = 0): Promise<void> {
    return this.deviceCall(RemoteProc.DOMAIN_UPDATE_DEVICE_FLAGS, dom, xml, flags);
  }

  private deviceCall(proc: number, dom: DomainRef, xml: string, flags: number): Promise<void> {
    return this.remote(proc, (w) => {
      writeDomain(w, dom);
      writeString(w, xml);
      w.uint(flags);
    }, decodeVoid);
  }

  /**
   * virConnectGetAllDomainStats / virDomainListGetStats: typed statistics (state.state,
   * balloon.current, vcpu.0.time, net.0.rx.bytes...) per domain; `doms` empty means all domains.
   */
  getDomainStats(stats: number, flags = 0, doms: readonly DomainRef[] = []): Promise<DomainStatsRecord[]> {
    return this.remote(RemoteProc.CONNECT_GET_ALL_DOMAIN_STATS, (w) => {
      w.array(doms, writeDomain, 16384);
      w.uint(stats).uint(flags);
    }, (r) => r.array((x) => {
      const domain = readDomain(x);
      return { domain, stats: typedParamsToRecord(readTypedParams(x)) };
    }, 16384));
  }

  // ---- events ----

  /**
   * Registers `listener` for domain events (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, one
   * callback per kind). Resolves with a function that deregisters them.
   */
  async subscribeDomainEvents(listener: (ev: DomainEvent) => void, opts: SubscribeOptions = {}): Promise<() => Promise<void>> {
    const ids: number[] = [];
    try {
      for (const kind of opts.kinds ?? DEFAULT_EVENT_KINDS) {
        const id = await this.remote(RemoteProc.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, (w) => {
          w.int(DOMAIN_EVENT_KINDS[kind]);
          w.optional(opts.domain, writeDomain);
        }, (r) => r.int());
        ids.push(id);
        this.eventCallbacks.set(id, listener);
      }
    } catch (err) {
      await this.deregister(ids);
      throw err;
    }
    return () => this.deregister(ids);
  }

  private async deregister(ids: readonly number[]): Promise<void> {
    for (const id of ids) {
      this.eventCallbacks.delete(id);
      if (!this.rpc.isClosed) {
        await this.remote(RemoteProc.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, (w) => w.int(id), decodeVoid);
      }
    }
  }

  // ---- jobs and migration ----

  domainGetJobInfo(dom: DomainRef): Promise<JobInfo> {
    return this.remote(RemoteProc.DOMAIN_GET_JOB_INFO, (w) => writeDomain(w, dom), decodeJobInfo);
  }

  /** virDomainGetJobStats (flags: 1 = VIR_DOMAIN_JOB_STATS_COMPLETED). */
  domainGetJobStats(dom: DomainRef, flags = 0): Promise<JobStats> {
    return this.remote(RemoteProc.DOMAIN_GET_JOB_STATS, (w) => {
      writeDomain(w, dom);
      w.uint(flags);
    }, (r) => {
      const type = r.int();
      const params = readTypedParams(r);
      return { type, typeName: jobTypeName(type), params, stats: typedParamsToRecord(params) };
    });
  }

  domainAbortJob(dom: DomainRef): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_ABORT_JOB, dom);
  }

  /** virDomainMigrateSetMaxDowntime, in milliseconds. */
  domainMigrateSetMaxDowntime(dom: DomainRef, downtimeMs: number): Promise<void> {
    return this.remote(RemoteProc.DOMAIN_MIGRATE_SET_MAX_DOWNTIME, (w) => {
      writeDomain(w, dom);
      w.uhyper(downtimeMs).uint(0);
    }, decodeVoid);
  }

  /** virDomainMigrateSetMaxSpeed, in MiB/s. */
  domainMigrateSetMaxSpeed(dom: DomainRef, mibPerSecond: number): Promise<void> {
    return this.remote(RemoteProc.DOMAIN_MIGRATE_SET_MAX_SPEED, (w) => {
      writeDomain(w, dom);
      w.uhyper(mibPerSecond).uint(0);
    }, decodeVoid);
  }

  domainMigrateStartPostCopy(dom: DomainRef): Promise<void> {
    return this.domainCall(RemoteProc.DOMAIN_MIGRATE_START_POST_COPY, dom, 0);
  }

  /** Source, step 1: virDomainMigrateBegin3Params. */
  domainMigrateBegin3(dom: DomainRef, params: MigrationParams, flags: number): Promise<Begin3Result> {
    const tp = migrationParamsToTyped(params);
    return this.remote(RemoteProc.DOMAIN_MIGRATE_BEGIN3_PARAMS, (w) => encodeBegin3Params(w, dom, tp, flags), decodeBegin3Params);
  }

  /** Destination, step 2: virDomainMigratePrepare3Params. */
  domainMigratePrepare3(params: MigrationParams, cookieIn: Uint8Array, flags: number): Promise<Prepare3Result> {
    const tp = migrationParamsToTyped(params);
    return this.remote(RemoteProc.DOMAIN_MIGRATE_PREPARE3_PARAMS, (w) => encodePrepare3Params(w, tp, cookieIn, flags), decodePrepare3Params);
  }

  /** Source, step 3: virDomainMigratePerform3Params (dconnuri only for peer-to-peer). */
  domainMigratePerform3(
    dom: DomainRef,
    dconnuri: string | null,
    params: MigrationParams,
    cookieIn: Uint8Array,
    flags: number,
  ): Promise<{ readonly cookieOut: Buffer }> {
    const tp = migrationParamsToTyped(params);
    return this.remote(
      RemoteProc.DOMAIN_MIGRATE_PERFORM3_PARAMS,
      (w) => encodePerform3Params(w, dom, dconnuri, tp, cookieIn, flags),
      decodeCookieOnly,
    );
  }

  /** Destination, step 4: virDomainMigrateFinish3Params. */
  domainMigrateFinish3(params: MigrationParams, cookieIn: Uint8Array, flags: number, cancelled: boolean): Promise<Finish3Result> {
    const tp = migrationParamsToTyped(params);
    return this.remote(
      RemoteProc.DOMAIN_MIGRATE_FINISH3_PARAMS,
      (w) => encodeFinish3Params(w, tp, cookieIn, flags, cancelled),
      decodeFinish3Params,
    );
  }

  /** Source, step 5: virDomainMigrateConfirm3Params. */
  domainMigrateConfirm3(dom: DomainRef, params: MigrationParams, cookieIn: Uint8Array, flags: number, cancelled: boolean): Promise<void> {
    const tp = migrationParamsToTyped(params);
    return this.remote(
      RemoteProc.DOMAIN_MIGRATE_CONFIRM3_PARAMS,
      (w) => encodeConfirm3Params(w, dom, tp, cookieIn, flags, cancelled),
      decodeVoid,
    );
  }
}
