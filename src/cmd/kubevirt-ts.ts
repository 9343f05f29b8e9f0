/**
 * The kubevirt-ts command: parses flags and calls the subcommand's run function.
 */
import { Command, InvalidArgumentError } from 'commander';
import { defaultDataDir, runUp } from '../cluster/up.js';

function intArg(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** Builds the CLI (exported for tests). */
export function buildCli(): Command {
  const program = new Command('kubevirt-ts').description('KubeVirt in TypeScript: virtual machines as Kubernetes objects');
  program
    .command('up')
    .description('run the embedded control plane on this machine until interrupted')
    .option('--data-dir <dir>', 'where all state is kept', defaultDataDir())
    .option('--port <port>', 'HTTPS port of the API server on 127.0.0.1', intArg(0, 65535), 6443)
    .option('--nodes <n>', 'number of nodes to run', intArg(1, 64), 1)
    .option('--control-plane-only', 'run only the API server: no scheduler, nodes or KubeVirt components')
    .action(async (o: { dataDir: string; port: number; nodes: number; controlPlaneOnly?: boolean }) => {
      await runUp({ dataDir: o.dataDir, port: o.port, nodes: o.nodes, controlPlaneOnly: o.controlPlaneOnly, log: (l) => console.log(l) });
    });
  return program;
}

/** Entry point. */
export async function main(argv: readonly string[]): Promise<void> {
  await buildCli().parseAsync([...argv]);
}

main(process.argv).catch((err: unknown) => {
  console.error(`kubevirt-ts: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
