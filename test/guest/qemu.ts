// Boots the test guest directly under qemu-system-x86_64 for tests: serial console and QMP on
// unix sockets in a private temp dir, user-mode networking (loopback only) with optional
// host port forwards, KVM only when it really runs a guest, otherwise TCG.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from './build.js';
import { GuestConsole } from './console.js';
import { Qmp } from './qmp.js';
import { until } from '../fixtures/wait.js';

/** QEMU accelerator. */
export type Accel = 'kvm' | 'tcg';

/** How to boot: from the disk image, or the kernelBoot pair. */
export type BootSource =
  | { readonly disk: string }
  | { readonly kernel: string; readonly initrd: string; readonly cmdline: string };

/** Options of bootGuest. */
export interface BootOptions {
  readonly source: BootSource;
  /** A cloud-init seed image (ISO or FAT), attached as a read-only virtio disk as KubeVirt does. */
  readonly seed?: string;
  /** Host ports on 127.0.0.1 forwarded to guest TCP ports. */
  readonly hostfwd?: readonly { readonly hostPort: number; readonly guestPort: number }[];
  /** Hostname the user-mode network's DHCP server offers. */
  readonly dhcpHostname?: string;
  readonly memoryMiB?: number;
  readonly accel?: Accel;
}

/** A running QEMU with its console and QMP session. */
export interface RunningGuest {
  readonly console: GuestConsole;
  readonly qmp: Qmp;
  readonly accel: Accel;
  /** Milliseconds since QEMU was spawned. */
  elapsedMs(): number;
  /** CPU time QEMU used so far (user + system, ms): what the boot costs on an idle machine,
   *  since a one-vCPU TCG guest is CPU-bound. */
  cpuMs(): Promise<number>;
  /** Resolves with QEMU's exit code (null when killed) or rejects after timeoutMs. */
  waitExit(timeoutMs: number): Promise<number | null>;
  /** Kills QEMU if it still runs and removes the temp dir. */
  close(): Promise<void>;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    sock.once('connect', () => resolve(sock));
    sock.once('error', (e: NodeJS.ErrnoException) => {
      sock.destroy();
      // The file appears when QEMU binds, a moment before it listens.
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') resolve(undefined);
      else reject(e);
    });
  });
}

/** Connects to a unix socket QEMU serves, retrying until it listens or QEMU exits. */
async function connectUnix(path: string, child: ChildProcess, timeoutMs: number): Promise<Socket> {
  return until(`QEMU socket ${path}`, () => {
    if (child.exitCode !== null) throw new Error(`QEMU exited (${child.exitCode}) before serving ${path}`);
    return tryConnect(path);
  }, timeoutMs);
}

function sourceArgs(source: BootSource): string[] {
  if ('disk' in source) return ['-drive', `file=${source.disk},if=virtio,format=qcow2,snapshot=on`];
  return ['-kernel', source.kernel, '-initrd', source.initrd, '-append', source.cmdline];
}

/** The qemu-system-x86_64 argument vector for a guest (q35, as KubeVirt uses). */
export function qemuArgs(opts: BootOptions, accel: Accel, serial: string, qmp: string): string[] {
  const fwd = (opts.hostfwd ?? []).map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join('');
  const host = opts.dhcpHostname !== undefined ? `,hostname=${opts.dhcpHostname}` : '';
  return [
    '-machine', `q35,accel=${accel}`, '-m', String(opts.memoryMiB ?? 256), '-smp', '1',
    '-nodefaults', '-display', 'none', '-no-user-config',
    '-chardev', `socket,id=serial0,path=${serial},server=on,wait=on`, '-serial', 'chardev:serial0',
    '-qmp', `unix:${qmp},server=on,wait=off`,
    ...sourceArgs(opts.source),
    ...(opts.seed ? ['-drive', `file=${opts.seed},if=virtio,format=raw,readonly=on`] : []),
    '-netdev', `user,id=net0,net=10.0.2.0/24${host}${fwd}`, '-device', 'virtio-net-pci,netdev=net0',
  ];
}

/** Starts QEMU; the guest starts running once the console is connected, so nothing is lost. */
export async function bootGuest(opts: BootOptions): Promise<RunningGuest> {
  const accel = opts.accel ?? 'tcg';
  const dir = await mkdtemp(join(tmpdir(), 'kvts-qemu-'));
  const serialPath = join(dir, 'serial.sock');
  const qmpPath = join(dir, 'qmp.sock');
  const started = Date.now();
  const child = spawn('qemu-system-x86_64', qemuArgs(opts, accel, serialPath, qmpPath), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = exitOf(child);
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const console = new GuestConsole(await connectUnix(serialPath, child, 10_000));
    const qmp = await Qmp.open(await connectUnix(qmpPath, child, 10_000));
    return {
      console,
      qmp,
      accel,
      elapsedMs: () => Date.now() - started,
      cpuMs: () => processCpuMs(child.pid ?? 0),
      waitExit: (timeoutMs) =>
        Promise.race([
          exited,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`QEMU still running after ${timeoutMs} ms`)), timeoutMs).unref()),
        ]),
      close: async () => {
        qmp.close();
        await close();
      },
    };
  } catch (e) {
    await close();
    throw new Error(`starting QEMU failed: ${e instanceof Error ? e.message : String(e)}; stderr: ${stderr}`);
  }
}

/** User + system CPU time of a process from /proc/<pid>/stat, in ms (clock ticks of 10 ms). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

let probed: Promise<Accel> | undefined;

/** KVM when $KUBEVIRT_TS_ACCEL says so or when /dev/kvm is usable and actually runs the
 *  guest kernel (it may exist yet fail, e.g. under nested virtualisation); TCG otherwise.
 *  The answer is kept per process and, per host boot, in cacheDir (the probe takes seconds). */
export function probeAccel(kernel: string, cacheDir = defaultCacheDir()): Promise<Accel> {
  probed ??= probeCached(kernel, cacheDir);
  return probed;
}

async function probeCached(kernel: string, cacheDir: string): Promise<Accel> {
  const forced = process.env.KUBEVIRT_TS_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return forced;
  const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim();
  const file = join(cacheDir, `accel-${bootId}`);
  const saved = await readFile(file, 'utf8').catch(() => '');
  if (saved === 'kvm' || saved === 'tcg') return saved;
  const accel = await probe(kernel);
  await mkdir(cacheDir, { recursive: true });
  await writeFile(file, accel);
  return accel;
}

async function probe(kernel: string): Promise<Accel> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return 'tcg';
  }
  // Under a working KVM the kernel prints its banner on the serial port within a second.
  const child = spawn('qemu-system-x86_64', [
    '-machine', 'q35,accel=kvm', '-m', '128', '-nodefaults', '-display', 'none', '-no-reboot',
    '-serial', 'stdio', '-kernel', kernel, '-append', 'console=ttyS0 earlyprintk=ttyS0 panic=-1',
  ], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = exitOf(child);
  try {
    await until('KVM probe', () => (out.includes('Linux version') ? true : child.exitCode !== null ? false : undefined), 8_000, 50);
    return out.includes('Linux version') ? 'kvm' : 'tcg';
  } catch {
    return 'tcg';
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
