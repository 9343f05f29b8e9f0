/**
 * virt-launcher: one per VMI. Parses flags, wires the converter and the network, and runs the
 * launcher until its domain is gone (see src/virt-launcher/launcher.ts).
 */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { LAUNCHER_SOCKET_NAME } from '../launcher-rpc/index.js';
import { startLauncher, type LauncherConfig } from '../virt-launcher/launcher.js';
import type { ConvertVMI, NetworkSetup } from '../virt-launcher/domain-manager.js';
import { userNetwork } from '../virt-launcher/network/index.js';
import { convertVMI } from '../virt-launcher/converter/index.js';
import { PodNetwork } from '../virt-launcher/network/pod-network.js';

/** Parses argv into a LauncherConfig. */
export function parseLauncherFlags(argv: readonly string[]): LauncherConfig {
  const cmd = new Command('virt-launcher')
    .requiredOption('--name <name>', 'VMI name')
    .requiredOption('--namespace <namespace>', 'VMI namespace')
    .option('--uid <uid>', 'VMI uid')
    .requiredOption('--private-dir <dir>', 'private directory: sockets, console, logs, libvirt state')
    .option('--grace-period <seconds>', 'termination grace period', '30')
    .addOption(new Option('--emulation <mode>', 'software emulation').choices(['auto', 'always', 'never']).default('auto'))
    .addOption(new Option('--network <mode>', 'pod network or QEMU user-mode').choices(['pod', 'user']).default('pod'))
    .option('--caps-cache-dir <dir>', "shared cache of QEMU's capabilities")
    .option('--container-disk-dir <dir>', 'directory of containerDisk images, each mounted at <dir>/<volume> with its disk under disk/')
    .option('--pvc-dir <dir>', 'directory of PVC volumes (<volume>/disk.img)')
    .option('--config-volume-dir <dir>', 'root of the mounted configMap/secret/downwardAPI volumes (default /var/run/kubevirt-private)')
    .option('--service-account-dir <dir>', 'the mounted service account token (default /var/run/secrets/kubernetes.io/serviceaccount)')
    .option('--socket <path>', 'command socket (default <private-dir>/launcher.sock)')
    .exitOverride();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<Record<string, string | undefined>>();
  const grace = Number(o.gracePeriod);
  if (!Number.isInteger(grace) || grace < 0) throw new Error(`--grace-period: Invalid value: ${JSON.stringify(o.gracePeriod)}: must be a non-negative integer`);
  const privateDir = o.privateDir ?? '';
  return {
    name: o.name ?? '', namespace: o.namespace ?? '', privateDir, socketPath: o.socket ?? join(privateDir, LAUNCHER_SOCKET_NAME),
    gracePeriodSeconds: grace, emulation: o.emulation as LauncherConfig['emulation'], network: o.network as LauncherConfig['network'],
    ...(o.uid ? { uid: o.uid } : {}), ...(o.capsCacheDir ? { capsCacheDir: o.capsCacheDir } : {}),
    ...(o.containerDiskDir ? { containerDiskDir: o.containerDiskDir } : {}), ...(o.pvcDir ? { pvcDir: o.pvcDir } : {}),
    ...(o.configVolumeDir ? { configVolumeRoot: o.configVolumeDir } : {}), ...(o.serviceAccountDir ? { serviceAccountDir: o.serviceAccountDir } : {}),
  };
}

/** The network setup for a mode: QEMU user-mode, or the pod network's binding (masquerade, bridge). */
export function podOrUserNetwork(pod: Pick<PodNetwork, 'setup'>): NetworkSetup {
  return (vmi, mode) => (mode === 'user' ? Promise.resolve(userNetwork(vmi)) : pod.setup(vmi));
}

/** Runs the launcher with `deps` overriding the converter/network; returns the exit code. */
export async function main(argv: readonly string[], deps: { convert?: ConvertVMI; network?: NetworkSetup } = {}): Promise<number> {
  const cfg = parseLauncherFlags(argv);
  const log = (m: string): void => { process.stderr.write(`virt-launcher: ${m}\n`); };
  const pod = new PodNetwork('eth0', log);
  const launcher = await startLauncher(cfg, {
    convert: deps.convert ?? convertVMI, network: deps.network ?? podOrUserNetwork(pod),
    teardownNetwork: () => pod.teardown(), log,
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => launcher.terminate(sig));
  return launcher.done;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    process.stderr.write(`virt-launcher: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
