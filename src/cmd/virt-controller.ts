/**
 * virt-controller: parses flags, builds the options and calls run() until SIGTERM/SIGINT.
 */
import { Command } from 'commander';
import { run } from '../virt-controller/run.js';

interface Flags {
  kubeconfig?: string;
  leaderElect: boolean;
  leaseNamespace: string;
  launcherVersion: string;
  useEmulation: boolean;
  watchDataVolumes: boolean;
  identity?: string;
  nodeHeartbeatTimeoutSeconds?: string;
  nodeRecheckSeconds?: string;
}

/** A positive number of seconds from `flag`'s value, in ms; throws naming the flag otherwise. */
function secondsMs(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`invalid ${flag} "${v}": expected a positive number of seconds`);
  return n * 1000;
}

const log = {
  info: (msg: string, fields?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'info', component: 'virt-controller', msg, ...fields })),
  error: (msg: string, fields?: Record<string, unknown>) => console.error(JSON.stringify({ level: 'error', component: 'virt-controller', msg, ...fields })),
};

/** Builds the CLI (exported for tests). */
export function buildCli(): Command {
  return new Command('virt-controller')
    .description('cluster-wide KubeVirt controllers: VMI launcher pods and phases, VM run strategies')
    .option('--kubeconfig <path>', 'kubeconfig file; in-cluster config when omitted')
    .option('--leader-elect', 'run behind a coordination.k8s.io Lease so only one instance acts', false)
    .option('--lease-namespace <ns>', 'namespace of the leader Lease', 'kubevirt')
    .option('--launcher-version <v>', 'version tag of the kubevirt-ts/virt-launcher image', '0.1.0')
    .option('--use-emulation', 'do not request devices.kubevirt.io/kvm (software emulation)', false)
    .option('--watch-data-volumes', 'watch cdi.kubevirt.io DataVolumes (CDI installed)', false)
    .option('--identity <id>', 'leader election identity; host name and a random suffix by default')
    .option('--node-heartbeat-timeout-seconds <s>', "a virt-handler heartbeat older than this makes its node unresponsive (default 300)")
    .option('--node-recheck-seconds <s>', 'how often each node is checked again (default 60)')
    .action(async (f: Flags) => {
      const heartbeatTimeoutMs = secondsMs('--node-heartbeat-timeout-seconds', f.nodeHeartbeatTimeoutSeconds);
      const recheckMs = secondsMs('--node-recheck-seconds', f.nodeRecheckSeconds);
      const ac = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => ac.abort());
      await run(
        {
          ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
          ...(f.identity ? { identity: f.identity } : {}),
          leaderElect: f.leaderElect,
          leaseNamespace: f.leaseNamespace,
          version: f.launcherVersion,
          useEmulation: f.useEmulation,
          watchDataVolumes: f.watchDataVolumes,
          node: { ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}), ...(recheckMs ? { recheckMs } : {}) },
          log,
        },
        ac.signal,
      );
    });
}

buildCli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`virt-controller: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
