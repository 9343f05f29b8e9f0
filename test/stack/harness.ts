/**
 * The one way the end-to-end suites (test/stack, test/node) run `kubevirt-ts up`: in a short data
 * dir outside /tmp (/var/tmp/kv-XXXX: the launcher's socket path must fit 107 bytes, and pods mount
 * /tmp privately), waiting for a readiness line, driven with real kubectl, with helpers to find
 * (and only ever signal) this cluster's processes, and a stop that cleans up even a hung `up`.
 * A test or benchmark process ended by SIGINT, SIGTERM or SIGHUP first stops its clusters.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { acquireNetworkSlot, PodNetwork } from '../../src/cluster/network/index.js';
import { freePort, until } from '../fixtures/wait.js';

/** The repository root (its bin/ and dist/ are what the suites run). */
export const root = new URL('../..', import.meta.url).pathname;
/** The kubectl binary the suites drive, if installed. */
export const kubectlPath = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

/** Why the stack suites cannot run here, or undefined. */
export const stackSkip: string | undefined = !kubectlPath
  ? 'kubectl not found'
  : process.getuid?.() !== 0
    ? 'needs root'
    : !existsSync(join(root, 'dist/cmd/virt-launcher.js'))
      ? 'run npm run build first'
      : undefined;

/** The log line after which every component of `up` runs. */
export const STACK_READY = 'virt-controller and virt-handler running';

/** How to start `up`. */
export interface UpOptions {
  /** `--nodes N`; up's default when omitted. */
  readonly nodes?: number;
  /** More flags for `up`, e.g. `['--demo']`. */
  readonly args?: readonly string[];
  /** Extra environment for `up`. */
  readonly env?: Readonly<Record<string, string>>;
  /** An existing (short) data dir the caller owns and removes; a fresh one from `dataDirPrefix`, removed on stop, otherwise. */
  readonly dataDir?: string;
  /** mkdtemp prefix of the fresh data dir; `/var/tmp/kv-` by default. */
  readonly dataDirPrefix?: string;
  /** The log text that means ready; STACK_READY by default. */
  readonly ready?: string;
  /** How long start may take; 180 s by default. */
  readonly readyTimeoutMs?: number;
}

/** kubectl's exit code, stdout+stderr (`out`) and stdout alone. */
export interface KubectlResult {
  readonly code: number;
  readonly out: string;
  readonly stdout: string;
}

/** The parent pid of `pid` (from /proc), or 0. */
function ppidOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

const pids = (): number[] => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
const cmdline = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');

const safeCmdline = (pid: number): string => {
  try {
    return cmdline(pid);
  } catch {
    return '';
  }
};

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Node flags for the `up` process alone (not its children, not this process), opt-in for profiling:
 * KUBEVIRT_TS_UP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/var/tmp/upprof-x" (space-separated).
 */
export function upNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KUBEVIRT_TS_UP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

/** Clusters started and not yet stopped by this process. */
const live = new Set<UpCluster>();
let hooked = false;

/** On a stop signal, stops this process's clusters (bounded), then exits as the signal would; on
 *  any exit, SIGTERMs the ones left, so a killed test or benchmark leaks no cluster or guest. */
function stopClustersOnProcessEnd(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of live) if (c.pid > 0) kill(c.pid, 'SIGTERM');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      void Promise.allSettled([...live].map((c) => c.stop(60_000))).then(() => process.exit(128 + (constants.signals[sig] ?? 0)));
    });
  }
}

/** A running `kubevirt-ts up`. */
export class UpCluster {
  /** What `up` printed so far. */
  log = '';
  private slot: number | undefined;
  private readonly exited: Promise<number | null>;
  private stopping: Promise<number | null> | undefined;

  private constructor(
    readonly dataDir: string,
    private readonly up: ChildProcess,
    private readonly ownsDataDir: boolean,
  ) {
    up.stdout?.on('data', (b: Buffer) => (this.log += b.toString()));
    up.stderr?.on('data', (b: Buffer) => (this.log += b.toString()));
    this.exited = new Promise((resolve) => up.once('exit', resolve));
  }

  /** Starts `up` and resolves once its log shows `opts.ready`; on a failure it is stopped and cleaned up. */
  static async start(opts: UpOptions = {}): Promise<UpCluster> {
    const dataDir = opts.dataDir ?? mkdtempSync(opts.dataDirPrefix ?? '/var/tmp/kv-');
    const port = await freePort();
    const nodes = opts.nodes === undefined ? [] : ['--nodes', String(opts.nodes)];
    const up = spawn(process.execPath, [...upNodeArgs(), join(root, 'bin/kubevirt-ts.js'), 'up', ...(opts.args ?? []), '--data-dir', dataDir, '--port', String(port), ...nodes], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    const c = new UpCluster(dataDir, up, opts.dataDir === undefined);
    live.add(c);
    stopClustersOnProcessEnd();
    const ready = opts.ready ?? STACK_READY;
    try {
      await until('the stack', () => {
        if (up.exitCode !== null || up.signalCode !== null) throw new Error(`up exited with ${up.exitCode ?? up.signalCode}`);
        return c.log.includes(ready) ? true : undefined;
      }, opts.readyTimeoutMs ?? 180_000, 200);
    } catch (e) {
      await c.stop();
      throw c.withLog(e);
    }
    c.slot = c.readNetworkSlot();
    return c;
  }

  get pid(): number {
    return this.up.pid ?? 0;
  }

  /** Throws, with the end of `up`'s log, once `up` has exited: long waits call it to fail fast. */
  assertRunning(): void {
    const ended = this.up.exitCode ?? this.up.signalCode;
    if (ended !== null) throw this.withLog(new Error(`up exited with ${ended}`));
  }

  /** The host network slot the cluster leased (read once it was ready; the file goes with the data dir). */
  get networkSlot(): number | undefined {
    return this.slot;
  }

  /** The admin kubeconfig `up` wrote. */
  get kubeconfig(): string {
    return join(this.dataDir, 'kubeconfig');
  }

  /** The environment that points kubectl and virtctl at this cluster. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: this.kubeconfig };
  }

  /** Runs kubectl to completion (blocking: for suites that never wait on other I/O meanwhile). */
  kubectl = (args: readonly string[], input?: string): KubectlResult => {
    const r = spawnSync(kubectlPath ?? 'kubectl', args, { input, encoding: 'utf8', env: this.env, timeout: 60_000 });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  };

  /** Runs kubectl without blocking the event loop (for suites holding consoles or streams open). */
  kubectlAsync = (args: readonly string[], input?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(kubectlPath ?? 'kubectl', [...args], { env: this.env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}`, stdout });
      });
      child.stdin?.end(input ?? '');
    });

  /** `kubectl get KIND NAME -o jsonpath={PATH}`; empty when kubectl fails (e.g. the object is missing). */
  jsonpath = (kind: string, name: string, path: string): string => {
    const r = this.kubectl(['get', kind, name, '-o', `jsonpath={${path}}`]);
    return r.code === 0 ? r.stdout : '';
  };

  /** jsonpath, without blocking the event loop. */
  jsonpathAsync = async (kind: string, name: string, path: string): Promise<string> => {
    const r = await this.kubectlAsync(['get', kind, name, '-o', `jsonpath={${path}}`]);
    return r.code === 0 ? r.stdout : '';
  };

  /** Applies objects given as JSON (kubectl reads JSON as YAML); throws with kubectl's output on failure. */
  apply(...objs: unknown[]): void {
    const doc = objs.length === 1 ? objs[0] : { apiVersion: 'v1', kind: 'List', items: objs };
    const r = this.kubectl(['apply', '-f', '-'], JSON.stringify(doc));
    if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.out}`);
  }

  /** Waits until `kubectl get kind name` at `path` equals (or matches) `want`. */
  async waitFor(kind: string, name: string, path: string, want: string | RegExp, timeoutMs: number): Promise<string> {
    return until(`${kind}/${name} ${path} = ${String(want)}`, () => {
      const v = this.jsonpath(kind, name, path);
      return (typeof want === 'string' ? v === want : want.test(v)) ? v : undefined;
    }, timeoutMs, 500);
  }

  /** Pids of processes descending from this `up` whose command line matches `re`: the only ones a test may signal. */
  descendants(re: RegExp): number[] {
    const mine = new Set([this.pid]);
    const all = pids();
    // Parents have lower pids in the common case; loop until no new descendant is found.
    for (let changed = true; changed; ) {
      changed = false;
      for (const pid of all) {
        if (mine.has(pid) || !mine.has(ppidOf(pid))) continue;
        mine.add(pid);
        changed = true;
      }
    }
    return [...mine].filter((pid) => pid !== this.pid).filter((pid) => {
      try {
        return re.test(cmdline(pid));
      } catch {
        return false;
      }
    });
  }

  /** The one descendant matching `re` (fails when there are none or several). */
  descendant(re: RegExp): number {
    const found = this.descendants(re);
    if (found.length !== 1) throw new Error(`expected one process matching ${String(re)}, found ${found.length}`);
    return found[0]!;
  }

  /**
   * Pids of pod processes of this cluster matching `re`: their mounts name this cluster's data dir
   * (pods are set up under it), so no other cluster's process on the machine can match.
   */
  podProcesses(re: RegExp): number[] {
    return pids().filter((pid) => {
      try {
        const cmd = cmdline(pid);
        return re.test(cmd) && !cmd.startsWith('/bin/sh ') && readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(this.dataDir);
      } catch {
        return false;
      }
    });
  }

  /**
   * SIGTERM to up; resolves with its exit code. If up does not exit within `graceMs`, it and its
   * descendants are killed; after any unclean exit its pods' processes are killed and its pod
   * network removed. Removes the data dir it made. Calling it again returns the same result.
   */
  stop(graceMs = 150_000): Promise<number | null> {
    this.stopping ??= this.stopAndClean(graceMs);
    return this.stopping;
  }

  /** Closes the reading ends of up's stdout and stderr, as when the process reading them dies;
   *  resolves once both are closed. */
  async closeOutput(): Promise<void> {
    const streams = [this.up.stdout, this.up.stderr].filter((s) => s !== null && !s.closed);
    const closed = streams.map((s) => new Promise((resolve) => s?.once('close', resolve)));
    for (const s of streams) s?.destroy();
    await Promise.all(closed);
  }

  /** up's exit code (or signal) once it exits within `timeoutMs`; 'running' otherwise. */
  async exitWithin(timeoutMs: number): Promise<number | NodeJS.Signals | 'running'> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), timeoutMs)));
    const code = await Promise.race([this.exited.then(() => this.up.exitCode ?? this.up.signalCode ?? 'running'), late]);
    clearTimeout(timer);
    return code;
  }

  /** Error with the tail of up's log, for failures. */
  withLog(e: unknown): Error {
    const what = e instanceof Error ? (e.stack ?? e.message) : String(e);
    return new Error(`${what}\n--- up's log ---\n${this.log.slice(-6000)}`, { cause: e });
  }

  private async stopAndClean(graceMs: number): Promise<number | null> {
    this.up.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), graceMs)));
    let code = await Promise.race([this.exited, hung]);
    clearTimeout(timer);
    if (code === 'hung') {
      this.log += `\n--- harness: up did not exit ${graceMs} ms after SIGTERM; killing it ---\n`;
      for (const pid of this.descendants(/./)) kill(pid, 'SIGKILL');
      this.up.kill('SIGKILL');
      code = await this.exited;
    }
    // A clean exit has removed everything; after a crash or a kill, sweep what up left behind.
    if (code !== 0) {
      // Components of a crashed up (node agents, ...) live on orphaned, their command lines naming the data dir.
      for (const pid of pids()) if (pid !== process.pid && safeCmdline(pid).includes(this.dataDir)) kill(pid, 'SIGKILL');
      for (const pid of this.podProcesses(/./)) kill(pid, 'SIGKILL');
      await this.removeNetwork();
    }
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    live.delete(this);
    return code;
  }

  private readNetworkSlot(): number | undefined {
    try {
      const slot = Number.parseInt(readFileSync(join(this.dataDir, 'nodes', 'network-slot'), 'utf8').trim(), 10);
      return Number.isInteger(slot) ? slot : undefined;
    } catch {
      return undefined;
    }
  }

  /** After a killed up: removes its nodes' bridges, pod namespaces and NAT table, holding its slot
   *  meanwhile so no other cluster takes it (skipped when another cluster holds it already). */
  private async removeNetwork(): Promise<void> {
    const slot = this.readNetworkSlot();
    if (slot === undefined) return;
    const lease = await acquireNetworkSlot(join(this.dataDir, 'nodes', 'network-slot')).catch(() => undefined);
    try {
      if (lease?.slot !== slot) return;
      const nodes = readdirSync(join(this.dataDir, 'nodes')).filter((n) => /^node\d+$/.test(n));
      for (const node of nodes) {
        const net = new PodNetwork({ node, index: Number(node.slice(4)), slot, stateDir: join(this.dataDir, 'nodes', node, 'network') });
        await net.cleanupAll().catch((e: unknown) => (this.log += `harness: network cleanup of ${node}: ${String(e)}\n`));
      }
    } finally {
      await lease?.release();
    }
  }
}

/** Runs `fn` on the started cluster, adding up's log to any failure. */
export async function withCluster<T>(c: UpCluster | undefined, fn: (c: UpCluster) => Promise<T>): Promise<T> {
  if (!c) throw new Error('cluster not started');
  try {
    return await fn(c);
  } catch (e) {
    throw c.withLog(e);
  }
}

/** A VMI spec with an emptyDisk (no image needed), pinned with `nodeSelector` and requesting `cpu` when given. */
export function vmiSpec(opts: { nodeSelector?: Record<string, string>; cpu?: string } = {}): Record<string, unknown> {
  return {
    domain: { devices: { disks: [{ name: 'scratch', disk: { bus: 'virtio' } }] }, resources: { requests: { memory: '64Mi', ...(opts.cpu ? { cpu: opts.cpu } : {}) } } },
    terminationGracePeriodSeconds: 5,
    volumes: [{ name: 'scratch', emptyDisk: { capacity: '16Mi' } }],
    ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
  };
}

/** The guest's serial console log: libvirt writes it into the launcher pod's private emptyDir
 *  (`<node state>/pods/<uid>/volumes/private/virt-serial0-log`); empty until it exists. */
export async function consoleLog(c: UpCluster, vmi: string): Promise<string> {
  const pod = await c.kubectlAsync(['get', 'pods', '-l', `vm.kubevirt.io/name=${vmi}`, '-o', 'jsonpath={.items[0].spec.nodeName} {.items[0].metadata.uid}']);
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
  const vmi = await c.kubectlAsync(['get', 'vmi', name, '-o', 'name']);
  const pods = await c.kubectlAsync(['get', 'pods', '-l', `vm.kubevirt.io/name=${name}`, '-o', 'name']);
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
