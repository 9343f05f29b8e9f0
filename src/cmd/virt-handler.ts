/** The virt-handler command: one per node; flags --kubeconfig, --node-name, --pods-dir, --pods-layout, --emulation, --heartbeat-seconds. */
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { runVirtHandler } from '../virt-handler/run.js';

interface Flags {
  kubeconfig?: string;
  nodeName: string;
  podsDir: string;
  podsLayout: 'kubelet' | 'embedded';
  emulation: 'auto' | 'always' | 'never';
  heartbeatSeconds: string;
}

/** Builds the CLI (exported for tests). */
export function buildCli(): Command {
  return new Command('virt-handler')
    .description('per-node agent keeping each VMI in sync with its virt-launcher')
    .option('--kubeconfig <path>', 'kubeconfig of the virt-handler identity (default: in-cluster/default config)')
    .option('--node-name <name>', 'name of this node', process.env.NODE_NAME ?? hostname())
    .requiredOption('--pods-dir <dir>', "the node agent's pods directory holding launcher sockets")
    .addOption(new Option('--pods-layout <layout>', "layout of a pod's volumes under the pods dir").choices(['kubelet', 'embedded']).default('kubelet'))
    .addOption(new Option('--emulation <mode>', 'software emulation: always, never, or auto (KVM when usable)').choices(['auto', 'always', 'never']).default('auto'))
    .option('--heartbeat-seconds <n>', 'node heartbeat period', '60')
    .action(async (o: Flags) => {
      const heartbeatMs = Number(o.heartbeatSeconds) * 1000;
      if (!Number.isFinite(heartbeatMs) || heartbeatMs <= 0) throw new Error(`--heartbeat-seconds: invalid value "${o.heartbeatSeconds}"`);
      await runVirtHandler({
        kubeconfig: o.kubeconfig, nodeName: o.nodeName, podsDir: o.podsDir, podsLayout: o.podsLayout, emulation: o.emulation, heartbeatMs,
        log: (l) => console.log(l),
      });
    });
}

buildCli().parseAsync(process.argv).catch((err: unknown) => {
  console.error(`virt-handler: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
