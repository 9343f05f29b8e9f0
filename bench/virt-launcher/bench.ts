/**
 * virt-launcher benchmark: the launcher's own RSS (idle, and with a running guest), the per-VM
 * fixed memory (launcher + libvirtd + virtlogd + QEMU beyond guest RAM; DESIGN.md budget 128 MiB)
 * and the TCG boot time of the test guest, for the built launcher (dist/) in a pod-like network
 * namespace with the masquerade binding.
 * Usage (root): npm run build && node --import tsx bench/virt-launcher/bench.ts [--runs N] [--source] [--node-arg ARG]...
 *   --source runs src/ through tsx instead of dist/ (higher RSS: the TypeScript loader);
 *   --node-arg passes a node/V8 flag to the launcher process (to compare settings).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest } from '../../test/guest/build.js';
import { PROMPT } from '../../test/guest/console.js';
import { makePodNetns, qemuPidsWith, startLauncherProcess, testVMI } from '../../test/virt-launcher/harness.js';
import { cpuSeconds, guestRamResidentKiB, processTree, procMemory, type ProcMemory } from './proc-memory.js';

const root = new URL('../..', import.meta.url).pathname;
const GUEST_MEMORY_KIB = 128 * 1024;

interface Run {
  launcherIdleRssMiB: number;
  launcherRunningRssMiB: number;
  launcherRunningPssMiB: number;
  libvirtdRssMiB: number;
  virtlogdRssMiB: number;
  otherRssMiB: number;
  qemuRssMiB: number;
  guestRamResidentMiB: number;
  fixedRssMiB: number;
  fixedPssMiB: number;
  bootWallS: number;
  bootQemuCpuS: number;
}

const mib = (kib: number): number => Math.round((kib / 1024) * 10) / 10;
const sum = (xs: readonly ProcMemory[], k: 'rssKiB' | 'pssKiB'): number => xs.reduce((n, p) => n + p[k], 0);

async function oneRun(n: number, fromSource: boolean, nodeArgs: readonly string[]): Promise<Run> {
  const guest = await buildGuest();
  const net = makePodNetns();
  const entry = fromSource ? undefined : [...nodeArgs, join(root, 'dist/cmd/virt-launcher.js')];
  try {
    const l = await startLauncherProcess({ name: `bench${n}`, disk: guest.disk, netns: net.pod, ...(entry ? { entry } : {}) });
    try {
      const launcherPid = Number(l.proc.pid);
      // `ip netns exec` execs node in place, so the spawned pid is the launcher itself.
      const idle = procMemory(launcherPid);
      const t0 = Date.now();
      await l.client.call('sync', { vmi: testVMI(`bench${n}`) });
      const con = await l.console();
      await con.waitFor(PROMPT, 240_000);
      const bootWallS = (Date.now() - t0) / 1000;
      const [qemu] = qemuPidsWith(l.privateDir);
      if (!qemu) throw new Error('no QEMU process found');
      const bootQemuCpuS = cpuSeconds(qemu);
      const tree = processTree(launcherPid).map(procMemory);
      const launcher = tree.find((p) => p.pid === launcherPid) ?? idle;
      const libvirtd = tree.filter((p) => p.comm === 'libvirtd');
      const virtlogd = tree.filter((p) => p.comm === 'virtlogd');
      const others = tree.filter((p) => p.pid !== launcherPid && p.comm !== 'libvirtd' && p.comm !== 'virtlogd' && p.pid !== qemu);
      const q = procMemory(qemu);
      const guestRam = guestRamResidentKiB(qemu, GUEST_MEMORY_KIB);
      const all = [...tree.filter((p) => p.pid !== qemu), q];
      // Guest RAM is wholly private to QEMU, so subtracting it from RSS and from PSS alike is exact.
      const run: Run = {
        launcherIdleRssMiB: mib(idle.rssKiB),
        launcherRunningRssMiB: mib(launcher.rssKiB),
        launcherRunningPssMiB: mib(launcher.pssKiB),
        libvirtdRssMiB: mib(sum(libvirtd, 'rssKiB')),
        virtlogdRssMiB: mib(sum(virtlogd, 'rssKiB')),
        otherRssMiB: mib(sum(others, 'rssKiB')),
        qemuRssMiB: mib(q.rssKiB),
        guestRamResidentMiB: mib(guestRam),
        fixedRssMiB: mib(sum(all, 'rssKiB') - guestRam),
        fixedPssMiB: mib(sum(all, 'pssKiB') - guestRam),
        bootWallS: Math.round(bootWallS * 10) / 10,
        bootQemuCpuS: Math.round(bootQemuCpuS * 10) / 10,
      };
      process.stderr.write(`run ${n}: ${JSON.stringify(run)}\n  processes: ${all.map((p) => `${p.comm}(${p.pid}) rss ${mib(p.rssKiB)} pss ${mib(p.pssKiB)}`).join(', ')}\n`);
      return run;
    } finally {
      await l.cleanup();
    }
  } finally {
    net.remove();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 1) || 1;
  const fromSource = argv.includes('--source');
  const nodeArgs = argv.flatMap((a, i) => (a === '--node-arg' && argv[i + 1] ? [argv[i + 1]!] : []));
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (network namespaces, private libvirtd)');
  if (!fromSource && !existsSync(join(root, 'dist/cmd/virt-launcher.js'))) throw new Error('dist/ is missing: run `npm run build` first (or pass --source)');
  const results: Run[] = [];
  for (let i = 1; i <= runs; i++) results.push(await oneRun(i, fromSource, nodeArgs));
  const rows: [string, keyof Run, string][] = [
    ['launcher RSS, idle (MiB)', 'launcherIdleRssMiB', '< 50'],
    ['launcher RSS, guest running (MiB)', 'launcherRunningRssMiB', '< 50'],
    ['launcher PSS, guest running (MiB)', 'launcherRunningPssMiB', ''],
    ['libvirtd RSS (MiB)', 'libvirtdRssMiB', ''],
    ['virtlogd RSS (MiB)', 'virtlogdRssMiB', ''],
    ['other helpers RSS (MiB)', 'otherRssMiB', ''],
    ['QEMU RSS (MiB)', 'qemuRssMiB', ''],
    ['of which guest RAM (MiB)', 'guestRamResidentMiB', ''],
    ['per-VM fixed, RSS (MiB)', 'fixedRssMiB', '<= 128'],
    ['per-VM fixed, PSS (MiB)', 'fixedPssMiB', '<= 128'],
    ['TCG boot to shell, wall (s)', 'bootWallS', ''],
    ['TCG boot to shell, QEMU CPU (s)', 'bootQemuCpuS', ''],
  ];
  const head = `| measure | ${results.map((_, i) => `run ${i + 1}`).join(' | ')} | target |`;
  const sep = `|---|${results.map(() => '---|').join('')}---|`;
  console.log([head, sep, ...rows.map(([label, k, target]) => `| ${label} | ${results.map((r) => String(r[k])).join(' | ')} | ${target} |`)].join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
