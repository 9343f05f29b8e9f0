/**
 * The launcher's one domain: sync (prepare disks, convert, define, start), lifecycle calls and
 * queries over a libvirt connection, and events translated to launcher-rpc events.
 */
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import {
  DestroyFlags, domainVirtType, kvmUsable, LibvirtError, ShutdownFlags, VIR_ERR_NO_DOMAIN,
  type DomainEvent, type DomainRef, type LibvirtConnection,
} from '../libvirt/index.js';
import {
  LauncherError, type DomainInterfaceInfo, type DomainStatus, type DomainSummary, type GuestInfo, type LauncherEvent,
  type SyncOptions,
} from '../launcher-rpc/index.js';
import type { ConverterContext, InterfaceBackend } from './converter/context.js';
import { prepareConfigDisks, type ConfigDiskInputs } from './config-disks.js';
import { prepareDisks, type DiskInputs } from './disks.js';
import { screenshotPng } from './screenshot/screenshot.js';

/** The converter's signature (src/virt-launcher/converter), injected so tests may pass their own. */
export type ConvertVMI = (vmi: VirtualMachineInstance, ctx: ConverterContext) => { readonly xml: string };

/** Sets up the pod network for a VMI and returns each interface's backend (network/). */
export type NetworkSetup = (vmi: VirtualMachineInstance, mode: 'pod' | 'user') => Promise<Record<string, InterfaceBackend>>;

/** What DomainManager needs. */
export interface DomainManagerDeps {
  readonly conn: LibvirtConnection;
  readonly domainName: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly privateDir: string;
  readonly convert: ConvertVMI;
  readonly network: NetworkSetup;
  readonly disks: Omit<DiskInputs, 'privateDir'>;
  /** Where config volumes (configMap, secret, downwardAPI, serviceAccount) are mounted; upstream's paths by default. */
  readonly configDisks?: Omit<ConfigDiskInputs, 'privateDir'>;
  readonly defaults: SyncOptions;
  readonly emit: (e: LauncherEvent) => void;
  /** Around the domain's definition, which makes libvirt load (or probe) QEMU's capabilities: caps-cache.ts. */
  readonly capsCache?: { beforeDefine(): Promise<void>; afterDefine(): Promise<void> };
}

const wrap = (err: unknown, reason: string): LauncherError => {
  if (err instanceof LauncherError) return err;
  if (err instanceof LibvirtError) return new LauncherError(err.code === VIR_ERR_NO_DOMAIN ? 'NoDomain' : 'Libvirt', reason, err.message, { cause: err });
  return new LauncherError('SyncFailed', reason, err instanceof Error ? err.message : String(err), { cause: err });
};

/** Controls the launcher's one libvirt domain. */
export class DomainManager {
  private dom: DomainRef | null = null;
  private agentConnected = false;
  private destroyTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<DomainStatus> | null = null;

  constructor(private readonly deps: DomainManagerDeps) {}

  /** Handles a libvirt event for our domain: emits its state with libvirt's reason names. */
  async onEvent(ev: DomainEvent): Promise<void> {
    if (ev.domain.name !== this.deps.domainName) return;
    if (ev.kind === 'agentLifecycle') {
      this.agentConnected = ev.stateName === 'Connected';
      this.deps.emit({ type: 'agent', connected: this.agentConnected });
    } else if (ev.kind === 'lifecycle' && ev.eventName !== 'Undefined') {
      const st = await this.status().catch(() => null);
      if (st) this.deps.emit({ type: 'lifecycle', ...st });
    }
  }

  /** Defines and starts the domain for `vmi` (idempotent once it runs). */
  sync(vmi: VirtualMachineInstance, options: SyncOptions = {}): Promise<DomainStatus> {
    const m = vmi.metadata;
    if (m?.name !== this.deps.name || (m.namespace ?? 'default') !== this.deps.namespace) {
      return Promise.reject(new LauncherError('InvalidVMI', 'InvalidVMI', `metadata: Invalid value: VMI ${m?.namespace ?? ''}/${m?.name ?? ''} is not this launcher's ${this.deps.namespace}/${this.deps.name}`));
    }
    this.syncing ??= this.doSync(vmi, { ...this.deps.defaults, ...options }).finally(() => { this.syncing = null; });
    return this.syncing;
  }

  private async doSync(vmi: VirtualMachineInstance, opts: SyncOptions): Promise<DomainStatus> {
    const existing = await this.lookup();
    if (existing && (await this.deps.conn.domainIsActive(existing))) return this.status();
    try {
      // Independent steps, each mostly waiting on a helper process (QEMU's KVM probe, qemu-img, xorriso): run at
      // once. The network comes after: its setup is not idempotent, so it only starts once the disks are ready.
      const [emulation, volumeDisks, configDisks] = await Promise.all([
        this.emulation(opts.emulation ?? 'auto'),
        prepareDisks(vmi, { ...this.deps.disks, privateDir: this.deps.privateDir }),
        prepareConfigDisks(vmi, { ...this.deps.configDisks, privateDir: this.deps.privateDir }),
      ]);
      const disks = { ...volumeDisks, ...configDisks };
      const interfaces = await this.deps.network(vmi, opts.network ?? 'pod');
      const { xml } = this.deps.convert(vmi, {
        privateDir: this.deps.privateDir, emulation, disks, interfaces, ...(this.deps.uid ? { uid: this.deps.uid } : {}),
      });
      this.dom = await this.define(xml);
      await this.deps.conn.domainCreate(this.dom);
      return await this.status();
    } catch (err) {
      throw wrap(err, 'SyncFailed');
    }
  }

  private async define(xml: string): Promise<DomainRef> {
    const caps = this.deps.capsCache;
    await caps?.beforeDefine();
    try {
      return await this.deps.conn.domainDefineXML(xml);
    } finally {
      await caps?.afterDefine();
    }
  }

  private async emulation(mode: 'auto' | 'always' | 'never'): Promise<boolean> {
    if (mode === 'always') return true;
    if (mode === 'never') {
      if (!(await kvmUsable())) throw new LauncherError('SyncFailed', 'KVMUnavailable', 'emulation is disabled and KVM is not usable on this host');
      return false;
    }
    return (await domainVirtType()) === 'qemu';
  }

  private async lookup(): Promise<DomainRef | null> {
    try {
      this.dom = await this.deps.conn.lookupDomainByName(this.deps.domainName);
      return this.dom;
    } catch (err) {
      if (err instanceof LibvirtError && err.code === VIR_ERR_NO_DOMAIN) return null;
      throw wrap(err, 'Libvirt');
    }
  }

  private async require(): Promise<DomainRef> {
    const d = this.dom ?? (await this.lookup());
    if (!d) throw new LauncherError('NoDomain', 'NoDomain', `domain ${this.deps.domainName} is not defined`);
    return d;
  }

  /** State and reason by libvirt's names. */
  async status(): Promise<DomainStatus> {
    const s = await this.deps.conn.domainGetState(await this.require());
    return { state: s.stateName, reason: s.reasonName };
  }

  /** True while QEMU runs. */
  async isActive(): Promise<boolean> {
    const d = this.dom ?? (await this.lookup());
    return d !== null && (await this.deps.conn.domainIsActive(d).catch(() => false));
  }

  /** ACPI power button, then destroy when the grace period ends. */
  async shutdown(graceSeconds: number): Promise<DomainStatus> {
    const d = await this.require();
    try {
      await this.deps.conn.domainShutdown(d, ShutdownFlags.ACPI_POWER_BTN);
    } catch (err) {
      throw wrap(err, 'ShutdownFailed');
    }
    clearTimeout(this.destroyTimer);
    this.destroyTimer = setTimeout(() => void this.kill().catch(() => undefined), Math.max(0, graceSeconds) * 1000);
    this.destroyTimer.unref();
    return this.status();
  }

  /** Destroys QEMU now. */
  async kill(): Promise<DomainStatus> {
    const d = await this.require();
    if (await this.deps.conn.domainIsActive(d)) await this.deps.conn.domainDestroy(d, DestroyFlags.DEFAULT).catch((e: unknown) => { throw wrap(e, 'KillFailed'); });
    return this.status();
  }

  /** pause, unpause, softReboot and reset. */
  async control(op: 'pause' | 'unpause' | 'softReboot' | 'reset'): Promise<DomainStatus> {
    const d = await this.require();
    const c = this.deps.conn;
    try {
      if (op === 'pause') await c.domainSuspend(d);
      else if (op === 'unpause') await c.domainResume(d);
      else if (op === 'softReboot') await c.domainReboot(d, this.agentConnected ? ShutdownFlags.GUEST_AGENT : ShutdownFlags.ACPI_POWER_BTN);
      else await c.domainReset(d);
    } catch (err) {
      throw wrap(err, `${op[0]?.toUpperCase() ?? ''}${op.slice(1)}Failed`);
    }
    return this.status();
  }

  /** Guest information; agentConnected false when the agent is absent. */
  async guestInfo(): Promise<GuestInfo> {
    if (!this.agentConnected) return { agentConnected: false };
    try {
      const info = await this.deps.conn.domainGetGuestInfo(await this.require());
      const os: Record<string, string> = {};
      for (const [k, v] of Object.entries(info)) if (k.startsWith('os.')) os[k.slice(3)] = String(v);
      const hostname = info.hostname;
      return { agentConnected: true, os, ...(typeof hostname === 'string' ? { hostname } : {}) };
    } catch {
      return { agentConnected: true };
    }
  }

  /** The domain summary for VMI status, or null before sync. */
  async summary(): Promise<DomainSummary | null> {
    const d = this.dom ?? (await this.lookup());
    if (!d) return null;
    const c = this.deps.conn;
    const [st, info, xml] = await Promise.all([c.domainGetState(d), c.domainGetInfo(d), c.domainGetXMLDesc(d)]);
    const guestInfo = await this.guestInfo();
    return {
      name: d.name, uuid: d.uuid, state: st.stateName, reason: st.reasonName,
      virtType: /<domain[^>]*type=['"](\w+)['"]/.exec(xml)?.[1] ?? 'unknown',
      vcpus: info.nrVirtCpu, memoryKiB: Number(info.memoryKiB), interfaces: interfacesOf(xml), guestInfo,
    };
  }

  /** A PNG of the guest's display (upstream's GetScreenshot). */
  async screenshot(): Promise<{ mimeType: 'image/png'; data: string }> {
    const d = await this.require();
    try {
      const png = await screenshotPng(this.deps.conn, d, this.deps.privateDir);
      return { mimeType: 'image/png', data: png.toString('base64') };
    } catch (err) {
      throw wrap(err, 'ScreenshotFailed');
    }
  }

  /** CPU time, memory and balloon counters. */
  async stats(): Promise<{ cpuTimeNs: number; memoryKiB: number; raw: Record<string, number> } | null> {
    const d = this.dom ?? (await this.lookup());
    if (!d) return null;
    const info = await this.deps.conn.domainGetInfo(d);
    const raw = (await this.isActive()) ? await this.deps.conn.domainMemoryStats(d).catch(() => ({})) : {};
    return { cpuTimeNs: Number(info.cpuTimeNs), memoryKiB: Number(info.memoryKiB), raw };
  }
}

const attr = (tag: string, name: string, xml: string): string | undefined =>
  new RegExp(`<${tag}\\b[^>]*\\b${name}=(["'])([^"']*)\\1`).exec(xml)?.[2];

/**
 * Interfaces of a domain XML as libvirt writes it: alias name (ua- prefix dropped) and MAC. A
 * pattern read of libvirt's own output, so the launcher need not load a full XML parser.
 */
export function interfacesOf(xml: string): DomainInterfaceInfo[] {
  const devices = /<devices>([\s\S]*)<\/devices>/.exec(xml)?.[1] ?? '';
  return [...devices.matchAll(/<interface\b[^>]*>([\s\S]*?)<\/interface>/g)].map((m, n) => ({
    name: attr('alias', 'name', m[1] ?? '')?.replace(/^ua-/, '') ?? `net${n}`, mac: attr('mac', 'address', m[1] ?? '') ?? '', ips: [],
  }));
}
