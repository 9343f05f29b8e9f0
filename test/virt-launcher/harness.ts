/** Starts a virt-launcher process for a test and cleans up after it. */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import { LauncherClient, type LauncherEvent } from '../../src/launcher-rpc/index.js';
import { GuestConsole } from '../guest/console.js';

const ENTRY = new URL('./launcher-entry.ts', import.meta.url).pathname;

/** Waits for `cond` to hold, checking every `stepMs`, until `timeoutMs`. */
export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A VMI booting the test guest from a containerDisk, with one NIC. */
export function testVMI(name: string, extra: Partial<VirtualMachineInstance['spec']> = {}): VirtualMachineInstance {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance',
    metadata: { name, namespace: 'default', uid: '0c6a6f6c-1b5e-4a8e-9c43-5f4a2b6a9d01' },
    spec: {
      domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }], interfaces: [{ name: 'default', masquerade: {} }] }, resources: { requests: { memory: '128Mi' } } },
      networks: [{ name: 'default', pod: {} }],
      volumes: [{ name: 'root', containerDisk: { image: 'test-guest' } }],
      ...extra,
    },
  };
}

/** A launcher process, its client, its events and its console. */
export interface LauncherUnderTest {
  readonly proc: ChildProcess;
  readonly dir: string;
  readonly privateDir: string;
  readonly client: LauncherClient;
  readonly events: LauncherEvent[];
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  console(): Promise<GuestConsole>;
  cleanup(): Promise<void>;
}

/** Spawns the launcher (its own process, the real entry point) and connects to its socket. */
export async function startLauncherProcess(opts: {
  name: string; disk: string; args?: string[]; netns?: string; gracePeriod?: number;
  /** Node arguments that run the launcher (default: the source entry point through tsx). */
  entry?: readonly string[];
}): Promise<LauncherUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'vl-test-'));
  const privateDir = join(dir, 'private');
  const cdDir = join(dir, 'container-disks');
  // The containerDisk volume `root` as its image volume would show it: <dir>/root/disk/<file>.
  mkdirSync(join(cdDir, 'root', 'disk'), { recursive: true });
  copyFileSync(opts.disk, join(cdDir, 'root', 'disk', 'disk.qcow2'));
  const args = [
    ...(opts.entry ?? ['--import', 'tsx', ENTRY]), '--name', opts.name, '--namespace', 'default', '--private-dir', privateDir,
    '--grace-period', String(opts.gracePeriod ?? 30), '--container-disk-dir', cdDir,
    // KVM probes usable here but guests die on MSR writes; TCG unless asked (as test/guest does).
    '--emulation', process.env.KUBEVIRT_TS_ACCEL === 'kvm' ? 'auto' : 'always',
    '--caps-cache-dir', join(tmpdir(), 'kubevirt-ts-caps-cache'), ...(opts.args ?? []),
  ];
  const argv = opts.netns ? ['ip', 'netns', 'exec', opts.netns, process.execPath, ...args] : [process.execPath, ...args];
  const proc = spawn(argv[0] ?? '', argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const sock = join(privateDir, 'launcher.sock');
  let gone = false;
  void exited.then(() => { gone = true; });
  await waitUntil('the launcher socket', () => {
    if (gone) throw new Error(`launcher exited early: ${err}`);
    return existsSync(sock);
  }, 60_000);
  const client = await LauncherClient.connect(sock, { callTimeoutMs: 120_000 });
  const events: LauncherEvent[] = [];
  client.onEvent((e) => events.push(e));
  return {
    proc, dir, privateDir, client, events, exited, stderr: () => err,
    async console() {
      const path = join(privateDir, 'virt-serial0');
      await waitUntil('the console socket', () => existsSync(path), 30_000);
      const s = connect(path);
      await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
      return new GuestConsole(s);
    },
    async cleanup() {
      client.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PIDs of QEMU processes whose command line mentions `needle` (our private dir). */
export function qemuPidsWith(needle: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('qemu-system') && cmd.includes(needle)) pids.push(Number(p));
    } catch { /* process gone */ }
  }
  return pids;
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

/** A "pod" namespace with eth0 10.200.<n>.2 wired by a veth to a "host" namespace at 10.200.<n>.1. */
export function makePodNetns(): { pod: string; host: string; podIp: string; hostIp: string; remove: () => void } {
  const id = randomBytes(3).toString('hex');
  const n = randomBytes(1)[0] ?? 7;
  const pod = `vlt-pod-${id}`;
  const host = `vlt-host-${id}`;
  const podIp = `10.200.${n}.2`;
  const hostIp = `10.200.${n}.1`;
  const remove = (): void => {
    for (const ns of [pod, host]) spawnSync('ip', ['netns', 'del', ns]);
  };
  try {
    ip('netns', 'add', pod);
    ip('netns', 'add', host);
    ip('link', 'add', `vh${id}`, 'type', 'veth', 'peer', 'name', `vp${id}`);
    ip('link', 'set', `vh${id}`, 'netns', host);
    ip('link', 'set', `vp${id}`, 'netns', pod);
    ip('-n', pod, 'link', 'set', `vp${id}`, 'name', 'eth0');
    ip('-n', pod, 'addr', 'add', `${podIp}/24`, 'dev', 'eth0');
    ip('-n', host, 'addr', 'add', `${hostIp}/24`, 'dev', `vh${id}`);
    for (const [ns, dev] of [[pod, 'eth0'], [pod, 'lo'], [host, `vh${id}`], [host, 'lo']] as const) ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', pod, 'route', 'add', 'default', 'via', hostIp);
  } catch (err) {
    remove();
    throw err;
  }
  return { pod, host, podIp, hostIp, remove };
}

/** GETs http://<ip><path> from namespace `ns` until the body is `want` (or the deadline); returns the last body. */
export async function httpFromNetns(ns: string, ip: string, path: string, want: string, timeoutMs = 30_000): Promise<string> {
  let body = '';
  await waitUntil(`HTTP ${want} from ${ip}`, () => {
    const r = spawnSync('ip', ['netns', 'exec', ns, 'curl', '-s', '--max-time', '3', `http://${ip}${path}`], { encoding: 'utf8' });
    body = r.stdout.trim();
    return body === want;
  }, timeoutMs, 500).catch(() => undefined);
  return body;
}
