/**
 * virt-launcher's main: parses flags, wires the converter and the network, and runs the launcher
 * until its domain is gone (see launcher.ts). The entry point is src/cmd/virt-launcher.ts.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LAUNCHER_SOCKET_NAME } from '../launcher-rpc/index.js';
import { startLauncher, type LauncherConfig } from './launcher.js';
import type { ConvertVMI, NetworkSetup } from './domain-manager.js';
import { userNetwork } from './network/index.js';
import { convertVMI } from './converter/index.js';
import { PodNetwork } from './network/pod-network.js';

const FLAGS = {
  name: { type: 'string', help: 'VMI name (required)' },
  namespace: { type: 'string', help: 'VMI namespace (required)' },
  uid: { type: 'string', help: 'VMI uid' },
  'private-dir': { type: 'string', help: 'private directory: sockets, console, logs, libvirt state (required)' },
  'grace-period': { type: 'string', help: 'termination grace period in seconds (default 30)' },
  emulation: { type: 'string', help: 'software emulation: auto, always or never (default auto)' },
  network: { type: 'string', help: 'pod network or QEMU user-mode: pod or user (default pod)' },
  'caps-cache-dir': { type: 'string', help: "node-wide cache of QEMU's capabilities shared by launchers (default /var/cache/kubevirt-ts/qemu-capabilities)" },
  'container-disk-dir': { type: 'string', help: 'directory of containerDisk images, each mounted at <dir>/<volume> with its disk under disk/' },
  'pvc-dir': { type: 'string', help: 'directory of PVC volumes (<volume>/disk.img)' },
  'config-volume-dir': { type: 'string', help: 'root of the mounted configMap/secret/downwardAPI volumes (default /var/run/kubevirt-private)' },
  'service-account-dir': { type: 'string', help: 'the mounted service account token (default /var/run/secrets/kubernetes.io/serviceaccount)' },
  socket: { type: 'string', help: 'command socket (default <private-dir>/launcher.sock)' },
} as const;

/** The usage text listing every flag. */
export const LAUNCHER_USAGE = `Usage: virt-launcher [flags]\n${Object.entries(FLAGS).map(([k, f]) => `  --${k} <value>  ${f.help}`).join('\n')}\n`;

function oneOf<T extends string>(flag: string, value: string | undefined, choices: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (!(choices as readonly string[]).includes(value)) throw new Error(`--${flag}: Unsupported value: ${JSON.stringify(value)}: supported values: ${choices.map((c) => `"${c}"`).join(', ')}`);
  return value as T;
}

/**
 * Parses argv into a LauncherConfig (node's util.parseArgs rather than a CLI library: the
 * launcher runs once per VM and stays small, see docs/benchmarks.md). Unknown flags and missing
 * required ones are errors naming the flag.
 */
export function parseLauncherFlags(argv: readonly string[]): LauncherConfig {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([k, f]) => [k, { type: f.type }])) as Record<keyof typeof FLAGS, { type: 'string' }>;
  const { values: o } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  for (const req of ['name', 'namespace', 'private-dir'] as const) if (!o[req]) throw new Error(`--${req}: Required value`);
  const graceText = o['grace-period'] ?? '30';
  const grace = Number(graceText);
  if (!/^\d+$/.test(graceText) || !Number.isInteger(grace)) throw new Error(`--grace-period: Invalid value: ${JSON.stringify(graceText)}: must be a non-negative integer`);
  const privateDir = o['private-dir'] ?? '';
  const opt = <K extends string>(key: K, v: string | undefined): { [P in K]?: string } => (v ? { [key]: v } as { [P in K]?: string } : {});
  return {
    name: o.name ?? '', namespace: o.namespace ?? '', privateDir, socketPath: o.socket ?? join(privateDir, LAUNCHER_SOCKET_NAME),
    gracePeriodSeconds: grace,
    emulation: oneOf('emulation', o.emulation, ['auto', 'always', 'never'] as const, 'auto'),
    network: oneOf('network', o.network, ['pod', 'user'] as const, 'pod'),
    ...opt('uid', o.uid), ...opt('capsCacheDir', o['caps-cache-dir']), ...opt('containerDiskDir', o['container-disk-dir']), ...opt('pvcDir', o['pvc-dir']),
    ...opt('configVolumeRoot', o['config-volume-dir']), ...opt('serviceAccountDir', o['service-account-dir']),
  };
}

/** The network setup for a mode: QEMU user-mode, or the pod network's binding (masquerade, bridge). */
export function podOrUserNetwork(pod: Pick<PodNetwork, 'setup'>): NetworkSetup {
  return (vmi, mode) => (mode === 'user' ? Promise.resolve(userNetwork(vmi)) : pod.setup(vmi));
}

/** Runs the launcher with `deps` overriding the converter/network; returns the exit code. */
export async function main(argv: readonly string[], deps: { convert?: ConvertVMI; network?: NetworkSetup } = {}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(LAUNCHER_USAGE);
    return 0;
  }
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
