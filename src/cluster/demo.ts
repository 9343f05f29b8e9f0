/**
 * `kubevirt-ts up --demo`: builds the tiny guest locally (cached), side-loads it into the nodes'
 * image cache as the containerDisk `localhost/kubevirt-ts/demo:latest`, applies
 * examples/demo-vm.yaml as an ordinary client would (kubeconfig, create or replace), and tells
 * the user how to reach the guest; once its VMI runs, where the serial console log is.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/meta/index.js';
import type { VirtualMachineInstance } from '../api/kubevirt/vmi.js';
import { KubeClient } from '../client/kube-client.js';
import { buildGuest } from '../guest-image/build.js';
import { createOrReplace } from './apply.js';
import { importImage, type ImportedImage } from './images/import.js';

/** The reference the demo VM's containerDisk names (pullPolicy IfNotPresent: never pulled). */
export const DEMO_IMAGE = 'localhost/kubevirt-ts/demo:latest';
/** The demo VM's manifest, relative to the repository root. */
export const DEMO_MANIFEST = join('examples', 'demo-vm.yaml');
const DEMO_NAME = 'demo';
const DEMO_NAMESPACE = 'default';

/** The node image store's directory under a data dir (every node of `up` shares it). */
export const nodeImagesDir = (dataDir: string): string => join(dataDir, 'images');

/** Where the launcher's serial console log of a VMI is on the host: the launcher pod's private
 *  emptyDir under its node's state dir (`virt-serial0-log`, written by QEMU through libvirt). */
export function serialLogPath(dataDir: string, node: string, podUid: string): string {
  return join(dataDir, 'nodes', node, 'pods', podUid, 'volumes', 'private', 'virt-serial0-log');
}

/** Builds (or reuses) the guest and imports its containerDisk under DEMO_IMAGE. `build` is
 *  injectable for tests; it returns the OCI image layout directory. */
export async function loadDemoImage(dataDir: string, log: (line: string) => void, build?: () => Promise<string>): Promise<ImportedImage> {
  const layout = build ? await build() : (await buildGuest({ log: (m) => log(`kubevirt-ts: demo guest: ${m}`) })).oci.dir;
  return importImage({ storeDir: nodeImagesDir(dataDir), source: layout, name: DEMO_IMAGE });
}

/** Creates or replaces every object of a YAML file through the API, as the kubeconfig's user. */
export async function applyFile(kubeconfigPath: string, file: string): Promise<KubeObject[]> {
  const objs = parseAllDocuments(await readFile(file, 'utf8'))
    .map((d) => d.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
  const client = await KubeClient.fromKubeconfig(kubeconfigPath);
  try {
    for (const obj of objs) await createOrReplace(client, obj);
  } finally {
    client.close();
  }
  return objs;
}

/** What `up --demo` prints once the VM is applied: how to watch it and reach its console. Pure. */
export function demoHints(kubeconfigPath: string, dataDir: string): string[] {
  return [
    `kubevirt-ts: demo VirtualMachine "${DEMO_NAME}" applied from ${DEMO_MANIFEST} (containerDisk ${DEMO_IMAGE}, side-loaded)`,
    `  export KUBECONFIG=${kubeconfigPath}`,
    '  kubectl get vm,vmi                  # demo: Starting, then Running (about a minute under emulation)',
    '  node bin/virtctl.js console demo    # or `kubectl virt console demo`: a root shell on the serial console, Ctrl+] leaves',
    `  serial console log: ${serialLogPath(dataDir, '<node>', '<launcher pod uid>')} (the exact path is printed once the VMI runs)`,
  ];
}

/** The parts of a launcher pod runningOn reads. */
export interface LauncherPod {
  readonly metadata?: { readonly uid?: string };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: { readonly phase?: string };
}

/** The node and launcher pod UID of a Running VMI (its pods are those labelled
 *  kubevirt.io/created-by=<vmi uid>), or undefined while it is not running. Pure. */
export function runningOn(vmi: Pick<VirtualMachineInstance, 'status'>, pods: readonly LauncherPod[]): { node: string; podUid: string } | undefined {
  const node = vmi.status?.nodeName;
  if (vmi.status?.phase !== 'Running' || !node) return undefined;
  const fromStatus = Object.entries(vmi.status.activePods ?? {}).find(([, n]) => n === node)?.[0];
  const fromPods = pods.find((p) => p.spec?.nodeName === node && p.status?.phase === 'Running')?.metadata?.uid;
  const podUid = fromStatus ?? fromPods;
  return podUid ? { node, podUid } : undefined;
}

/** Polls the demo VMI until it runs (or the signal or deadline ends the wait), then logs where its
 *  serial console log is. Never throws: the demo is a convenience, not part of the cluster. */
export async function reportWhenRunning(kubeconfigPath: string, dataDir: string, log: (line: string) => void, signal: AbortSignal, timeoutMs = 600_000): Promise<void> {
  const client = await KubeClient.fromKubeconfig(kubeconfigPath);
  const path = `/apis/kubevirt.io/v1/namespaces/${DEMO_NAMESPACE}/virtualmachineinstances/${DEMO_NAME}`;
  const deadline = Date.now() + timeoutMs;
  try {
    while (!signal.aborted && Date.now() < deadline) {
      const vmi = await client.get<VirtualMachineInstance>(path).catch(() => undefined);
      const uid = vmi?.metadata?.uid;
      const pods = uid ? await client.get<{ items: LauncherPod[] }>(`/api/v1/namespaces/${DEMO_NAMESPACE}/pods`, { query: { labelSelector: `kubevirt.io/created-by=${uid}` } }).catch(() => ({ items: [] })) : { items: [] };
      const at = vmi ? runningOn(vmi, pods.items) : undefined;
      if (at) {
        log(`kubevirt-ts: demo VMI Running on ${at.node}; serial console log: ${serialLogPath(dataDir, at.node, at.podUid)}`);
        return;
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const t = setTimeout(done, 1000);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    client.close();
  }
}

/** Side-loads the demo image, applies the demo VM and prints how to reach it; the returned
 *  promise of the background "Running" report settles when it is done or `signal` aborts. */
export async function startDemo(o: { kubeconfigPath: string; dataDir: string; repoDir: string; log: (line: string) => void; signal: AbortSignal }): Promise<{ reported: Promise<void> }> {
  const img = await loadDemoImage(o.dataDir, o.log);
  o.log(`kubevirt-ts: demo image ${img.name} (${img.digest.slice(0, 19)}) side-loaded into ${nodeImagesDir(o.dataDir)}`);
  await applyFile(o.kubeconfigPath, join(o.repoDir, DEMO_MANIFEST));
  for (const line of demoHints(o.kubeconfigPath, o.dataDir)) o.log(line);
  return { reported: reportWhenRunning(o.kubeconfigPath, o.dataDir, o.log, o.signal).catch((e: unknown) => o.log(`kubevirt-ts: demo: ${String(e)}`)) };
}
