/**
 * The virt-launcher process: starts a private libvirtd (+ virtlogd), serves launcher-rpc on its
 * command socket, runs one domain, turns SIGTERM into an ACPI shutdown with a grace period, and
 * exits when the domain is gone, stopping libvirtd on every exit path.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../libvirt/index.js';
import { LAUNCHER_PROTOCOL_VERSION, LauncherError, LauncherServer, type LauncherHandlers, type SyncOptions } from '../launcher-rpc/index.js';
import { CapsCache, DEFAULT_SHARED_CAPS_DIR } from './caps-cache.js';
import { DomainManager, type ConvertVMI, type NetworkSetup } from './domain-manager.js';

/** The launcher's identity and settings (flags parsed in main.ts). */
export interface LauncherConfig {
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
  readonly privateDir: string;
  readonly socketPath: string;
  readonly gracePeriodSeconds: number;
  readonly emulation: 'auto' | 'always' | 'never';
  readonly network: 'pod' | 'user';
  /** The node-wide QEMU capabilities cache launchers share (caps-cache.ts); DEFAULT_SHARED_CAPS_DIR by default. */
  readonly capsCacheDir?: string;
  readonly containerDiskDir?: string;
  readonly pvcDir?: string;
  /** Root of the mounted configMap/secret/downwardAPI volumes (default /var/run/kubevirt-private). */
  readonly configVolumeRoot?: string;
  /** The mounted service account token directory (default /var/run/secrets/kubernetes.io/serviceaccount). */
  readonly serviceAccountDir?: string;
}

/** Injected collaborators: the converter and the network setup. */
export interface LauncherDeps {
  readonly convert: ConvertVMI;
  readonly network: NetworkSetup;
  /** Undoes the network setup; called on every exit path after QEMU is gone. */
  readonly teardownNetwork?: () => Promise<void>;
  readonly log?: (msg: string) => void;
}

/** A started launcher; `done` resolves with the process exit code once everything is stopped. */
export interface RunningLauncher {
  readonly done: Promise<number>;
  /** Starts termination as SIGTERM does. */
  terminate(reason: string): void;
}

/**
 * The only libvirt driver the launcher's libvirtd loads: upstream's virt-launcher runs virtqemud
 * (the QEMU driver alone); the network, storage, nodedev, secret, interface and nwfilter drivers
 * would cost every VM start CPU (udev enumeration, firewall probes) for nothing it uses.
 */
export const LAUNCHER_LIBVIRT_DRIVERS = ['qemu'] as const;

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Starts the launcher; resolves once the command socket accepts connections. */
export async function startLauncher(cfg: LauncherConfig, deps: LauncherDeps): Promise<RunningLauncher> {
  for (const [field, v] of [['--name', cfg.name], ['--namespace', cfg.namespace]] as const) {
    if (!NAME_RE.test(v) || v.length > 253) throw new LauncherError('BadRequest', 'InvalidArgument', `${field}: Invalid value: ${JSON.stringify(v)}: must be a DNS-1123 name`);
  }
  const log = deps.log ?? ((m: string) => process.stderr.write(`virt-launcher: ${m}\n`));
  mkdirSync(cfg.privateDir, { recursive: true, mode: 0o700 });
  const domainName = `${cfg.namespace}_${cfg.name}`;
  const daemon = await startPrivateLibvirtd({ dir: join(cfg.privateDir, 'libvirt'), virtlogd: true, drivers: LAUNCHER_LIBVIRT_DRIVERS });
  const capsCache = new CapsCache({ sharedDir: cfg.capsCacheDir ?? DEFAULT_SHARED_CAPS_DIR, libvirtCacheDir: daemon.layout.cacheDir, log });
  let server: LauncherServer | undefined;
  try {
    const conn = await daemon.connect();
    const emit = (e: Parameters<LauncherServer['broadcast']>[0]): void => server?.broadcast(e);
    const mgr = new DomainManager({
      conn, domainName, namespace: cfg.namespace, name: cfg.name, privateDir: cfg.privateDir, convert: deps.convert,
      network: deps.network, emit, defaults: { emulation: cfg.emulation, network: cfg.network },
      disks: { ...(cfg.containerDiskDir ? { containerDiskDir: cfg.containerDiskDir } : {}), ...(cfg.pvcDir ? { pvcDir: cfg.pvcDir } : {}) },
      configDisks: {
        ...(cfg.configVolumeRoot ? { configVolumeRoot: cfg.configVolumeRoot } : {}), ...(cfg.serviceAccountDir ? { serviceAccountDir: cfg.serviceAccountDir } : {}),
      },
      ...(cfg.uid ? { uid: cfg.uid } : {}), capsCache,
    });
    const lifecycle = new Lifecycle(daemon, mgr, cfg.gracePeriodSeconds, log, () => server, deps.teardownNetwork);
    await conn.subscribeDomainEvents((ev) => void mgr.onEvent(ev).then(() => lifecycle.afterEvent()));
    server = await LauncherServer.listen(cfg.socketPath, handlers(mgr, cfg, domainName, lifecycle));
    void daemon.exited.then(() => lifecycle.terminate('libvirtd exited', 1));
    log(`serving ${cfg.socketPath} for domain ${domainName}`);
    return { done: lifecycle.done, terminate: (r) => lifecycle.terminate(r) };
  } catch (err) {
    await server?.close();
    await daemon.stop();
    await deps.teardownNetwork?.();
    throw err;
  }
}

function handlers(mgr: DomainManager, cfg: LauncherConfig, domain: string, lc: Lifecycle): LauncherHandlers {
  return {
    ping: () => Promise.resolve({ version: LAUNCHER_PROTOCOL_VERSION, pid: process.pid, domain }),
    sync: async (p) => {
      if (typeof p !== 'object' || typeof p.vmi !== 'object') throw new LauncherError('BadRequest', 'BadRequest', 'params.vmi: Required value');
      // A launcher runs its domain once: once it has ended (the launcher is exiting), a sync reports it rather than starting it again.
      if (lc.started && !(await mgr.isActive())) return mgr.status();
      const st = await mgr.sync(p.vmi, p.options satisfies SyncOptions | undefined);
      lc.started = true;
      return st;
    },
    shutdown: (p) => mgr.shutdown(p.gracePeriodSeconds ?? cfg.gracePeriodSeconds),
    kill: () => mgr.kill(),
    pause: () => mgr.control('pause'),
    unpause: () => mgr.control('unpause'),
    softReboot: () => mgr.control('softReboot'),
    reset: () => mgr.control('reset'),
    getDomain: () => mgr.summary(),
    getStats: () => mgr.stats(),
    getGuestInfo: () => mgr.guestInfo(),
    screenshot: () => mgr.screenshot(),
  };
}

/** Termination: once the started domain is gone (or on a signal), stop everything exactly once. */
class Lifecycle {
  started = false;
  private stopping = false;
  private resolveDone: (code: number) => void = () => undefined;
  readonly done = new Promise<number>((r) => { this.resolveDone = r; });

  constructor(
    private readonly daemon: PrivateLibvirtd, private readonly mgr: DomainManager, private readonly grace: number,
    private readonly log: (m: string) => void, private readonly server: () => LauncherServer | undefined,
    private readonly teardownNetwork?: () => Promise<void>,
  ) {}

  /** After each domain event: exit when a started domain is no longer running. */
  async afterEvent(): Promise<void> {
    if (this.started && !this.stopping && !(await this.mgr.isActive())) {
      const st = await this.mgr.status().catch(() => ({ state: 'Shutoff', reason: 'Unknown' }));
      this.terminate(`domain ${st.state} (${st.reason})`, st.reason === 'Shutdown' || st.reason === 'Destroyed' ? 0 : 1);
    }
  }

  /** SIGTERM path: ACPI shutdown, destroy after the grace period, then stop. */
  terminate(reason: string, code = 0): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log(`terminating: ${reason}`);
    void this.stop(reason, code);
  }

  private async stop(reason: string, code: number): Promise<void> {
    try {
      if (await this.mgr.isActive()) {
        await this.mgr.shutdown(this.grace).catch(() => undefined);
        const deadline = Date.now() + (this.grace + 10) * 1000;
        while ((await this.mgr.isActive()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        if (await this.mgr.isActive()) await this.mgr.kill().catch(() => undefined);
      }
    } finally {
      // The domain's last state goes out before `exiting`: libvirt's Stopped event is emitted after an
      // asynchronous status read and can otherwise lose the race with this path closing the server.
      const last = await this.mgr.status().catch(() => null);
      if (last) this.server()?.broadcast({ type: 'lifecycle', ...last });
      this.server()?.broadcast({ type: 'exiting', reason });
      await this.server()?.close().catch(() => undefined);
      await this.daemon.stop().catch((e: unknown) => this.log(`stopping libvirtd: ${String(e)}`));
      await this.teardownNetwork?.().catch((e: unknown) => this.log(`network teardown: ${String(e)}`));
      this.resolveDone(code);
    }
  }
}
