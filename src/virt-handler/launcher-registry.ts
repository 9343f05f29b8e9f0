/**
 * Finds and holds the connection to each VMI's launcher on this node. Socket lookup is a single
 * injectable function; connections are cached per VMI key, re-dialled when lost, and a loss is
 * reported so the handler can decide whether the launcher is dead (pod gone/failed -> VMI Failed).
 */
import { join } from 'node:path';
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import { LAUNCHER_SOCKET_NAME, LauncherClient, type LauncherEvent } from '../launcher-rpc/index.js';
import { dialPath } from './socket-path.js';

/** Where a VMI's launcher socket is on this node, or undefined when no launcher pod is known yet. */
export type SocketResolver = (vmi: VirtualMachineInstance, podUid?: string) => string | undefined;

/**
 * The launcher pod's private emptyDir under the node agent's pods dir. kubelet lays it out as
 * `<podsDir>/<pod-uid>/volumes/kubernetes.io~empty-dir/private/launcher.sock` (the default);
 * the embedded node agent as `<podsDir>/<pod-uid>/volumes/private/launcher.sock` (layout
 * 'embedded'). The pod UID is the launcher pod's, or else from `status.activePods` for this node.
 */
export function podsDirResolver(podsDir: string, nodeName: string, layout: 'kubelet' | 'embedded' = 'kubelet'): SocketResolver {
  const plugin = layout === 'kubelet' ? ['kubernetes.io~empty-dir'] : [];
  return (vmi, podUid) => {
    const uid = podUid ?? Object.entries(vmi.status?.activePods ?? {}).find(([, node]) => node === nodeName)?.[0];
    return uid ? join(podsDir, uid, 'volumes', ...plugin, 'private', LAUNCHER_SOCKET_NAME) : undefined;
  };
}

/** Callbacks from the registry to the handler. */
export interface RegistryHooks {
  onEvent(key: string, event: LauncherEvent): void;
  /** The connection to a launcher closed without us closing it. */
  onLost(key: string): void;
}

/** Cached launcher connections by VMI key (`namespace/name`). */
export class LauncherRegistry {
  private readonly conns = new Map<string, { path: string; client: LauncherClient }>();
  private readonly dialling = new Map<string, Promise<LauncherClient | undefined>>();

  constructor(private readonly resolve: SocketResolver, private readonly hooks: RegistryHooks, private readonly connectTimeoutMs = 2000) {}

  /** The live connection to the VMI's launcher, dialling it if needed; undefined when unreachable. */
  async get(key: string, vmi: VirtualMachineInstance, podUid?: string): Promise<LauncherClient | undefined> {
    const path = this.resolve(vmi, podUid);
    if (!path) return undefined;
    const cur = this.conns.get(key);
    if (cur && !cur.client.isClosed && cur.path === path) return cur.client;
    if (cur) this.drop(key);
    let p = this.dialling.get(key);
    if (!p) {
      p = this.dial(key, path).finally(() => this.dialling.delete(key));
      this.dialling.set(key, p);
    }
    return p;
  }

  /** The VMI's open connection, without dialling; undefined when none is open. */
  current(key: string): LauncherClient | undefined {
    const c = this.conns.get(key);
    return c && !c.client.isClosed ? c.client : undefined;
  }

  /** Closes and forgets the VMI's connection (VMI gone or final). */
  drop(key: string): void {
    const c = this.conns.get(key);
    this.conns.delete(key);
    c?.client.close();
  }

  /** Closes every connection. */
  closeAll(): void {
    for (const key of [...this.conns.keys()]) this.drop(key);
  }

  private async dial(key: string, path: string): Promise<LauncherClient | undefined> {
    let client: LauncherClient;
    try {
      // Long host paths (long data dirs) are dialled through a short symlink: sun_path holds 107 bytes.
      client = await LauncherClient.connect(dialPath(path), { connectTimeoutMs: this.connectTimeoutMs });
    } catch {
      return undefined;
    }
    const entry = { path, client };
    this.conns.set(key, entry);
    client.onEvent((e) => this.hooks.onEvent(key, e));
    client.onClose(() => {
      if (this.conns.get(key) !== entry) return;
      this.conns.delete(key);
      this.hooks.onLost(key);
    });
    return client;
  }
}
