/**
 * virt-launcher start benchmark: per launcher start, the wall time from spawn to its command socket
 * being served, the CPU seconds (utime+stime from /proc/PID/stat) the launcher Node process,
 * libvirtd and virtlogd have used at that moment and 2 s later (daemon start-up work that runs on
 * in the background), and with --sync the wall/CPU of the first sync (disks, network, domain
 * defined and QEMU started). Also the CPU of loading the launcher's modules in a fresh node.
 * Usage (root): npm run -s build && node --import tsx bench/virt-launcher/start.ts
 *   [--runs N] [--concurrency C] [--sync] [--repo DIR]   (DIR holds the dist/ to measure; default this repo)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LauncherClient } from '../../src/launcher-rpc/index.js';
import { buildGuest } from '../../test/guest/build.js';
import { makePodNetns, testVMI } from '../../test/virt-launcher/harness.js';
import { cpuSeconds, processTree } from './proc-memory.js';

interface StartRun {
  socketMs: number;
  launcherCpuS: number;
  libvirtdCpuS: number;
  virtlogdCpuS: number;
  /** The launcher's whole process tree (launcher, daemons, helpers) at the socket. */
  treeCpuS: number;
  /** The same tree 2 s after the socket (background start-up work of the daemons). */
  treeCpuAfter2sS: number;
  syncMs?: number;
  syncTreeCpuS?: number;
}

const comm = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
};
const cpuOr0 = (pid: number): number => {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
};
const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

/** CPU seconds of the launcher's process tree, split by process. */
function treeCpu(launcherPid: number): { launcher: number; libvirtd: number; virtlogd: number; total: number } {
  const pids = processTree(launcherPid);
  const by = (name: string): number => pids.filter((p) => comm(p) === name).reduce((n, p) => n + cpuOr0(p), 0);
  return { launcher: cpuOr0(launcherPid), libvirtd: by('libvirtd'), virtlogd: by('virtlogd'), total: pids.reduce((n, p) => n + cpuOr0(p), 0) };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number, stepMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(stepMs);
  }
}

async function oneStart(n: number, repo: string, disk: string | undefined): Promise<StartRun> {
  const dir = mkdtempSync(join('/var/tmp', 'kvl-'));
  const privateDir = join(dir, 'p');
  const net = disk ? makePodNetns() : undefined;
  const cdDir = join(dir, 'cd');
  if (disk) {
    spawnSync('mkdir', ['-p', join(cdDir, 'root', 'disk')]);
    spawnSync('cp', [disk, join(cdDir, 'root', 'disk', 'disk.qcow2')]);
  }
  const args = [
    join(repo, 'dist/cmd/virt-launcher.js'), '--name', `start${n}`, '--namespace', 'default', '--private-dir', privateDir,
    '--grace-period', '1', '--container-disk-dir', cdDir, '--emulation', 'always', '--caps-cache-dir', join(tmpdir(), 'kubevirt-ts-caps-cache'),
  ];
  const argv = net ? ['ip', 'netns', 'exec', net.pod, process.execPath, ...args] : [process.execPath, ...args];
  const t0 = performance.now();
  const proc = spawn(argv[0] ?? '', argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const pid = Number(proc.pid);
  const sock = join(privateDir, 'launcher.sock');
  try {
    await waitFor('the launcher socket', () => {
      if (proc.exitCode !== null) throw new Error(`launcher exited: ${err}`);
      return existsSync(sock);
    }, 120_000, 5);
    const socketMs = performance.now() - t0;
    const at = treeCpu(pid);
    await delay(2000);
    const after = treeCpu(pid);
    const run: StartRun = {
      socketMs: Math.round(socketMs), launcherCpuS: round(at.launcher), libvirtdCpuS: round(at.libvirtd), virtlogdCpuS: round(at.virtlogd),
      treeCpuS: round(at.total), treeCpuAfter2sS: round(after.total),
    };
    if (disk) {
      const client = await LauncherClient.connect(sock, { callTimeoutMs: 240_000 });
      try {
        const t1 = performance.now();
        await client.call('sync', { vmi: testVMI(`start${n}`) });
        run.syncMs = Math.round(performance.now() - t1);
        const pids = processTree(pid).filter((p) => !/qemu/.test(comm(p)));
        run.syncTreeCpuS = round(pids.reduce((s, p) => s + cpuOr0(p), 0) - after.total);
        await client.call('kill', {}).catch(() => undefined);
      } finally {
        client.close();
      }
    }
    process.stderr.write(`run ${n}: ${JSON.stringify(run)}\n`);
    return run;
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(t);
    net?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU ms of a fresh node importing the launcher's main module, and of a bare node for reference. */
function importCpuMs(repo: string): { bareMs: number; importMs: number } {
  const script = (mod: string): string =>
    `const c=process.cpuUsage();${mod ? `await import(${JSON.stringify(mod)});` : ''}const u=process.cpuUsage();console.log(JSON.stringify({ms:(u.user+u.system)/1000,self:(u.user+u.system-c.user-c.system)/1000}))`;
  const run = (mod: string): { ms: number; self: number } =>
    JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', script(mod)], { encoding: 'utf8' }).stdout) as { ms: number; self: number };
  // The module the launcher loads: the build's one-file bundle when there is one (src/virt-launcher/entry.ts).
  const bundle = join(repo, 'dist/virt-launcher/main.bundle.js');
  const mod = existsSync(bundle) ? bundle : join(repo, 'dist/virt-launcher/main.js');
  const samples = Array.from({ length: 5 }, () => run(mod).self).sort((a, b) => a - b);
  const bare = Array.from({ length: 5 }, () => run('').ms).sort((a, b) => a - b);
  return { bareMs: Math.round(bare[2] ?? 0), importMs: Math.round(samples[2] ?? 0) };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)] ?? NaN);
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, dflt: string): string => { const i = argv.indexOf(name); return i >= 0 ? (argv[i + 1] ?? dflt) : dflt; };
  const runs = Number(opt('--runs', '5')) || 5;
  const conc = Number(opt('--concurrency', '1')) || 1;
  const repo = opt('--repo', new URL('../..', import.meta.url).pathname);
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (private libvirtd, network namespaces)');
  if (!existsSync(join(repo, 'dist/cmd/virt-launcher.js'))) throw new Error(`${repo}dist/ is missing: run \`npm run -s build\` first`);
  const disk = argv.includes('--sync') ? (await buildGuest()).disk : undefined;
  const imp = importCpuMs(repo);
  const results: StartRun[] = [];
  for (let i = 0; i < runs; i += conc) {
    const batch = Array.from({ length: Math.min(conc, runs - i) }, (_, j) => oneStart(i + j + 1, repo, disk));
    results.push(...(await Promise.all(batch)));
  }
  const rows: [string, keyof StartRun][] = [
    ['spawn -> socket served (ms)', 'socketMs'],
    ['launcher CPU at socket (s)', 'launcherCpuS'],
    ['libvirtd CPU at socket (s)', 'libvirtdCpuS'],
    ['virtlogd CPU at socket (s)', 'virtlogdCpuS'],
    ['launcher tree CPU at socket (s)', 'treeCpuS'],
    ['launcher tree CPU 2 s after socket (s)', 'treeCpuAfter2sS'],
    ...(disk ? [['first sync: define + start QEMU (ms)', 'syncMs'], ['first sync: tree CPU w/o QEMU (s)', 'syncTreeCpuS']] as [string, keyof StartRun][] : []),
  ];
  console.log(`repo ${repo}, ${runs} starts, ${conc} at a time; node bare start ${imp.bareMs} ms CPU, importing the launcher's modules ${imp.importMs} ms CPU`);
  console.log(['| measure (median) | value |', '|---|---|', ...rows.map(([label, k]) => `| ${label} | ${median(results.map((r) => Number(r[k])))} |`)].join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
