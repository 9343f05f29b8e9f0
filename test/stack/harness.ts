/**
 * One `kubevirt-ts up` per test file, driven by real kubectl: start it in a short data dir
 * (/var/tmp/kv-XXXX: the launcher's socket path must fit 107 bytes), run kubectl against its
 * kubeconfig, look for QEMU processes of a domain, fetch from a guest, and stop it cleanly.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort, until } from '../fixtures/wait.js';
import { kubectlPath, missing, root } from './lifecycle-cluster.js';

/** Why the stack suites cannot run here, or undefined. */
export const stackSkip: string | undefined = missing;

/** A running `kubevirt-ts up`. */
export interface UpCluster {
  readonly dataDir: string;
  /** Runs kubectl; resolves with its exit code and stdout+stderr. */
  kubectl(args: readonly string[], input?: string): Promise<{ code: number; out: string }>;
  /** `kubectl get KIND NAME -o jsonpath={PATH}` (empty when the object is missing). */
  jsonpath(kind: string, name: string, path: string): Promise<string>;
  /** What `up` printed so far. */
  log(): string;
  /** SIGTERM, then resolves with up's exit code; removes the data dir. */
  stop(): Promise<number | null>;
}

/** Starts `kubevirt-ts up` and waits until virt-controller and virt-handler run. */
export async function startUp(): Promise<UpCluster> {
  const dataDir = mkdtempSync('/var/tmp/kv-');
  const port = await freePort();
  const up = spawn(process.execPath, [join(root, 'bin/kubevirt-ts.js'), 'up', '--data-dir', dataDir, '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  up.stdout.on('data', (b: Buffer) => (log += b.toString()));
  up.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
  const kubectl = (args: readonly string[], input?: string): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      const child = execFile(kubectlPath ?? 'kubectl', [...args], { env: { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig') }, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` });
      });
      child.stdin?.end(input ?? '');
    });
  const stop = async (): Promise<number | null> => {
    up.kill('SIGTERM');
    const code = await exited;
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  try {
    await until('the stack', () => {
      if (up.exitCode !== null) throw new Error(`up exited with ${up.exitCode}: ${log.slice(-2000)}`);
      return log.includes('virt-controller and virt-handler running') ? true : undefined;
    }, 180_000, 200);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dataDir,
    kubectl,
    jsonpath: async (kind, name, path) => {
      const r = await kubectl(['get', kind, name, '-o', `jsonpath={${path}}`]);
      return r.code === 0 ? r.out : '';
    },
    log: () => log,
    stop,
  };
}

/** The guest's serial console log: libvirt writes it into the launcher pod's private emptyDir
 *  (`<node state>/pods/<uid>/volumes/private/virt-serial0-log`); empty until it exists. */
export async function consoleLog(c: UpCluster, vmi: string): Promise<string> {
  const pod = await c.kubectl(['get', 'pods', '-l', `vm.kubevirt.io/name=${vmi}`, '-o', 'jsonpath={.items[0].spec.nodeName} {.items[0].metadata.uid}']);
  const [node, uid] = pod.out.split(' ');
  try {
    return readFileSync(join(c.dataDir, 'nodes', node ?? '', 'pods', uid ?? '', 'volumes', 'private', 'virt-serial0-log'), 'utf8');
  } catch {
    return '';
  }
}

/** Whether a QEMU process runs the libvirt domain `<namespace>_<name>`. */
export function qemuRunning(domain: string): boolean {
  return spawnSync('pgrep', ['-f', `guest=${domain}`], { encoding: 'utf8' }).stdout.trim() !== '';
}

/** GET url; the body on 200, else undefined (also on connection errors). */
export async function httpGet(url: string): Promise<string | undefined> {
  try {
    const res = await request(url, { headersTimeout: 3000, bodyTimeout: 3000 });
    const body = await res.body.text();
    return res.statusCode === 200 ? body : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the VM's VMI and launcher pods are all gone. */
export async function vmGone(c: UpCluster, name: string): Promise<boolean> {
  const vmi = await c.kubectl(['get', 'vmi', name, '-o', 'name']);
  const pods = await c.kubectl(['get', 'pods', '-l', `vm.kubevirt.io/name=${name}`, '-o', 'name']);
  return vmi.code !== 0 && /NotFound/.test(vmi.out) && pods.code === 0 && pods.out.trim() === '';
}

/** Waits until a condition over kubectl output holds; `what` names it in the timeout error. */
export function eventually(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<true> {
  return until(what, async () => ((await check()) ? true : undefined), timeoutMs, 500);
}

/** A VirtualMachine (runStrategy Always, virtio disks, 128Mi) booting from the volume source
 *  `root` (a YAML flow mapping, e.g. `{containerDisk: {image: x}}`) with NoCloud user data. */
export function vmManifest(name: string, root: string, userData: string): string {
  const indented = userData.trimEnd().split('\n').map((l) => `            ${l}`).join('\n');
  return `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: ${name}}
spec:
  runStrategy: Always
  template:
    spec:
      terminationGracePeriodSeconds: 5
      domain:
        devices:
          disks:
          - {name: root, disk: {bus: virtio}}
          - {name: cloudinit, disk: {bus: virtio}}
        resources: {requests: {memory: 128Mi}}
      volumes:
      - {name: root, ${root.slice(1, -1)}}
      - name: cloudinit
        cloudInitNoCloud:
          userData: |
${indented}
`;
}
