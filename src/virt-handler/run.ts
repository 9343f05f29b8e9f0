/** Builds a VirtHandler from flags and runs it until SIGTERM/SIGINT (guests keep running). */
import { accessSync, constants } from 'node:fs';
import type { SyncOptions } from '../launcher-rpc/index.js';
import { KubeClient } from '../client/kube-client.js';
import { VirtHandler } from './handler.js';
import { podsDirResolver } from './launcher-registry.js';
import { startNodeConsoleServer } from './console-server/index.js';
import type { ConsoleServerSettings } from './console-server/flags.js';

/** Options of runVirtHandler (the virt-handler command's flags). */
export interface VirtHandlerRunOptions {
  readonly kubeconfig?: string;
  readonly nodeName: string;
  /** The node agent's pods dir (launcher sockets live under `<podsDir>/<pod-uid>/...`). */
  readonly podsDir: string;
  /** How the node agent lays out a pod's emptyDir volumes (kubelet's, or the embedded node agent's). */
  readonly podsLayout?: 'kubelet' | 'embedded';
  /** Software emulation: 'always', or 'auto' (KVM when /dev/kvm works). */
  readonly emulation?: NonNullable<SyncOptions['emulation']>;
  /** Heartbeat period (upstream: 60 s). */
  readonly heartbeatMs?: number;
  readonly log?: (line: string) => void;
  /** Serve console/VNC and lifecycle calls to virt-api (upstream's port 8186) with this TLS; a bind failure fails the start. */
  readonly consoleServer?: ConsoleServerSettings;
}

/** True when /dev/kvm can be opened read-write by this process. */
export function kvmUsable(path = '/dev/kvm'): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Starts virt-handler and resolves once it has stopped on a signal. */
export async function runVirtHandler(o: VirtHandlerRunOptions): Promise<void> {
  const client = await KubeClient.fromKubeconfig(o.kubeconfig);
  const emulation = o.emulation ?? 'auto';
  const kvm = kvmUsable() && emulation !== 'always';
  const resolveSocket = podsDirResolver(o.podsDir, o.nodeName, o.podsLayout ?? 'kubelet');
  const handler = new VirtHandler({
    client, nodeName: o.nodeName, kvm, resolveSocket,
    syncOptions: { emulation }, log: o.log, ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}),
  });
  await handler.start();
  const cs = o.consoleServer;
  const consoleServer = cs
    ? await startNodeConsoleServer({ client, nodeName: o.nodeName, resolveSocket, tls: cs.tls, host: cs.host, port: cs.port, ...(o.log ? { log: o.log } : {}) })
    : undefined;
  if (consoleServer && cs) o.log?.(`virt-handler: console server listening on ${cs.host}:${consoleServer.port}`);
  o.log?.(`virt-handler: watching VMIs on node ${o.nodeName} (kvm: ${kvm})`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await consoleServer?.close();
  await handler.stop();
  client.close();
}
