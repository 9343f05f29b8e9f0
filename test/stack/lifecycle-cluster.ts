/**
 * A `kubevirt-ts up` cluster for end-to-end suites: started in a fresh data dir under /var/tmp,
 * driven with real kubectl, with helpers to find (and only ever signal) processes that this
 * cluster started, and a clean stop that reports leftovers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, until } from '../fixtures/wait.js';

export const root = new URL('../..', import.meta.url).pathname;
/** The kubectl binary the suites drive, if installed. */
export const kubectlPath = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

/** Why an e2e suite cannot run here, or undefined. */
export const missing: string | undefined = !kubectlPath
  ? 'kubectl not found'
  : process.getuid?.() !== 0
    ? 'needs root'
    : !existsSync(join(root, 'dist/cmd/virt-launcher.js'))
      ? 'run npm run build first'
      : undefined;

/** A VMI manifest with an emptyDisk (no image needed), pinned with `nodeSelector` when given. */
export function vmiSpec(opts: { nodeSelector?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    domain: { devices: { disks: [{ name: 'scratch', disk: { bus: 'virtio' } }] }, resources: { requests: { memory: '64Mi' } } },
    terminationGracePeriodSeconds: 5,
    volumes: [{ name: 'scratch', emptyDisk: { capacity: '16Mi' } }],
    ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
  };
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

export class UpCluster {
  log = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly dataDir: string,
    private readonly up: ChildProcess,
  ) {
    up.stdout?.on('data', (b: Buffer) => (this.log += b.toString()));
    up.stderr?.on('data', (b: Buffer) => (this.log += b.toString()));
    this.exited = new Promise((resolve) => up.once('exit', resolve));
  }

  /** Starts `up` with `nodes` nodes and extra environment; resolves once every component runs. */
  static async start(opts: { nodes: number; env?: Record<string, string>; dataDirPrefix?: string }): Promise<UpCluster> {
    const dataDir = mkdtempSync(opts.dataDirPrefix ?? '/var/tmp/kv-');
    const port = await freePort();
    const up = spawn(process.execPath, [join(root, 'bin/kubevirt-ts.js'), 'up', '--data-dir', dataDir, '--port', String(port), '--nodes', String(opts.nodes)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    const c = new UpCluster(dataDir, up);
    await until('the stack', () => (c.log.includes('virt-controller and virt-handler running') ? true : undefined), 180_000, 200);
    return c;
  }

  get pid(): number {
    return this.up.pid ?? 0;
  }

  kubectl(args: string[], input?: string): { code: number; out: string } {
    const r = spawnSync(kubectlPath ?? 'kubectl', args, { input, encoding: 'utf8', env: { ...process.env, KUBECONFIG: join(this.dataDir, 'kubeconfig') }, timeout: 60_000 });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }

  /** Applies objects given as JSON (kubectl reads JSON as YAML); throws with kubectl's output on failure. */
  apply(...objs: unknown[]): void {
    const doc = objs.length === 1 ? objs[0] : { apiVersion: 'v1', kind: 'List', items: objs };
    const r = this.kubectl(['apply', '-f', '-'], JSON.stringify(doc));
    if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.out}`);
  }

  jsonpath(kind: string, name: string, path: string): string {
    return this.kubectl(['get', kind, name, '-o', `jsonpath={${path}}`]).out;
  }

  /** Waits until `kubectl get kind name` at `path` equals `want`. */
  async waitFor(kind: string, name: string, path: string, want: string | RegExp, timeoutMs: number): Promise<string> {
    return until(`${kind}/${name} ${path} = ${String(want)}`, () => {
      const v = this.jsonpath(kind, name, path);
      return (typeof want === 'string' ? v === want : want.test(v)) ? v : undefined;
    }, timeoutMs, 500);
  }

  /** Pids of processes descending from this `up` whose command line matches `re`: the only ones a test may signal. */
  descendants(re: RegExp): number[] {
    const mine = new Set([this.pid]);
    const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
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
        return re.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
      } catch {
        return false;
      }
    });
  }

  /** The one descendant matching `re` (fails when there are none or several). */
  descendant(re: RegExp): number {
    const pids = this.descendants(re);
    if (pids.length !== 1) throw new Error(`expected one process matching ${String(re)}, found ${pids.length}`);
    return pids[0]!;
  }

  /**
   * Pids of pod processes of this cluster matching `re`: their mounts name this cluster's data dir
   * (pods are set up under it), so no other cluster's process on the machine can match.
   */
  podProcesses(re: RegExp): number[] {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return re.test(cmd) && !cmd.startsWith('/bin/sh ') && readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(this.dataDir);
      } catch {
        return false;
      }
    });
  }

  /** SIGTERM to up; resolves with its exit code and removes the data dir. */
  async stop(): Promise<number | null> {
    this.up.kill('SIGTERM');
    const code = await this.exited;
    rmSync(this.dataDir, { recursive: true, force: true });
    return code;
  }

  /** Error with the tail of up's log, for failures. */
  withLog(e: unknown): Error {
    return new Error(`${e instanceof Error ? e.message : String(e)}\n--- up's log ---\n${this.log.slice(-6000)}`);
  }
}
