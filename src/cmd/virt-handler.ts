/** The virt-handler command: one per node; flags --kubeconfig, --node-name, --pods-dir. */
import { hostname } from 'node:os';
import { Command } from 'commander';
import { runVirtHandler } from '../virt-handler/run.js';

/** Builds the CLI (exported for tests). */
export function buildCli(): Command {
  return new Command('virt-handler')
    .description('per-node agent keeping each VMI in sync with its virt-launcher')
    .option('--kubeconfig <path>', 'kubeconfig of the virt-handler identity (default: in-cluster/default config)')
    .option('--node-name <name>', 'name of this node', process.env.NODE_NAME ?? hostname())
    .requiredOption('--pods-dir <dir>', "the node agent's pods directory holding launcher sockets")
    .action(async (o: { kubeconfig?: string; nodeName: string; podsDir: string }) => {
      await runVirtHandler({ kubeconfig: o.kubeconfig, nodeName: o.nodeName, podsDir: o.podsDir, log: (l) => console.log(l) });
    });
}

buildCli().parseAsync(process.argv).catch((err: unknown) => {
  console.error(`virt-handler: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
