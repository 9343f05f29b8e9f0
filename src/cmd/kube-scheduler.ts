/**
 * kube-scheduler: parses flags (named as upstream's where they exist), builds the options and
 * calls run() until SIGTERM/SIGINT. `up` runs it as a supervised child process.
 */
import { Command, InvalidArgumentError } from 'commander';
import { run } from '../cluster/scheduler/run.js';
import { SCHEDULER_LEASE } from '../cluster/scheduler/rbac.js';
import { positiveSeconds } from '../cluster/scheduler/flags.js';

interface Flags {
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectResourceNamespace: string;
  leaderElectResourceName: string;
  leaderElectIdentity?: string;
  bindTimeoutSeconds?: number;
}

/** Commander's parser for a positive number of seconds. */
function seconds(v: string): number {
  const n = positiveSeconds(v);
  if (n === undefined) throw new InvalidArgumentError(`expected a positive number of seconds, got "${v}"`);
  return n;
}

/** Builds the CLI (exported for tests). */
export function buildCli(): Command {
  return new Command('kube-scheduler')
    .description('binds pending pods to nodes that fit them (default-scheduler)')
    .option('--kubeconfig <path>', 'kubeconfig file; in-cluster config when omitted')
    .option('--leader-elect', 'run behind a coordination.k8s.io Lease so only one instance schedules', true)
    .option('--no-leader-elect', 'schedule without a leader Lease')
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the leader Lease', SCHEDULER_LEASE.namespace)
    .option('--leader-elect-resource-name <name>', 'name of the leader Lease', SCHEDULER_LEASE.name)
    .option('--leader-elect-identity <id>', 'leader identity (kubevirt-ts): host name and a random suffix by default')
    .option('--bind-timeout-seconds <s>', "how long PreBind waits for a pod's claims to bind (VolumeBinding's bindTimeoutSeconds, default 600)", seconds)
    .action(async (f: Flags) => {
      const ac = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => ac.abort());
      await run(
        {
          ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
          ...(f.leaderElectIdentity ? { identity: f.leaderElectIdentity } : {}),
          ...(f.bindTimeoutSeconds ? { bindTimeoutMs: f.bindTimeoutSeconds * 1000 } : {}),
          leaderElect: f.leaderElect,
          leaseNamespace: f.leaderElectResourceNamespace,
          leaseName: f.leaderElectResourceName,
          log: (line) => console.log(line),
        },
        ac.signal,
      );
    });
}

buildCli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`kube-scheduler: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
