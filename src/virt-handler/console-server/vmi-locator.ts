/**
 * From a VMI name to what the console server touches on this node: the VMI itself (it must be on
 * this node), its launcher's private directory (console and VNC unix sockets) and a launcher-rpc
 * connection for lifecycle, guest-agent and screenshot calls.
 */
import { dirname, join } from 'node:path';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { StatusError, badRequest, notFound } from '../../api/meta/index.js';
import type { KubeClient } from '../../client/kube-client.js';
import { LauncherClient } from '../../launcher-rpc/index.js';
import { launcherPod } from '../launcher-pods.js';
import type { SocketResolver } from '../launcher-registry.js';
import { dialPath } from '../socket-path.js';

/** A VMI on this node and where its launcher is. */
export interface LocatedVMI {
  readonly vmi: VirtualMachineInstance;
  /** The launcher's private directory on this host (a short link to it for a long path). */
  readonly privateDir: string;
  /** A fresh launcher-rpc connection; the caller closes it. */
  connect(): Promise<LauncherClient>;
}

/** Finds a VMI of this node by namespace and name. */
export type VMILocator = (namespace: string, name: string) => Promise<LocatedVMI>;

/** Socket names in the launcher's private directory (see virt-launcher/converter/devices.ts). */
export const SERIAL_SOCKET = 'virt-serial0';
export const VNC_SOCKET = 'virt-vnc';

/** A locator reading the VMI and its launcher pod through the API. */
export function apiLocator(client: KubeClient, nodeName: string, resolveSocket: SocketResolver): VMILocator {
  return async (namespace, name) => {
    let vmi: VirtualMachineInstance;
    try {
      vmi = await client.get<VirtualMachineInstance>(`/apis/kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/virtualmachineinstances/${encodeURIComponent(name)}`);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) throw notFound({ group: 'kubevirt.io', resource: 'virtualmachineinstance' }, name);
      throw e;
    }
    if (vmi.status?.nodeName !== nodeName) throw badRequest(`VMI ${namespace}/${name} is not running on node ${nodeName}`);
    const pod = await launcherPod(client, vmi);
    const socket = pod.alive ? resolveSocket(vmi, pod.uid) : undefined;
    if (!socket) throw badRequest(`the virt-launcher of VMI ${namespace}/${name} is not running`);
    // A long host path is dialled through a short link to its directory (sun_path holds 107 bytes).
    const short = dialPath(socket);
    return { vmi, privateDir: dirname(short), connect: () => LauncherClient.connect(short, { connectTimeoutMs: 2000 }) };
  };
}

/** The unix socket of a stream kind in a private directory. */
export const streamSocket = (privateDir: string, kind: 'console' | 'vnc'): string => join(privateDir, kind === 'console' ? SERIAL_SOCKET : VNC_SOCKET);
