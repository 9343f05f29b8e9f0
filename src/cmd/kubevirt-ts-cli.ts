/**
 * The kubevirt-ts command line: parses flags and calls the subcommand's run function
 * (src/cmd/kubevirt-ts.ts runs it; tests parse argument vectors in-process).
 */
import { Command, InvalidArgumentError } from 'commander';
import { nodeImagesDir } from '../cluster/demo.js';
import { importImage } from '../cluster/images/import.js';
import { defaultDataDir, runUp } from '../cluster/up.js';
import { collectStatus } from '../cluster/status/collect.js';
import { renderStatus } from '../cluster/status/report.js';

function intArg(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

/**
 * Builds the CLI; `log` receives what subcommands print (stdout by default; tests capture it) and
 * `exitCode` a subcommand's non-zero exit status (`status` uses it; default: process.exitCode).
 */
export function buildCli(
  log: (line: string) => void = (l) => console.log(l),
  exitCode: (code: number) => void = (c) => {
    process.exitCode = c;
  },
): Command {
  const program = new Command('kubevirt-ts').description('KubeVirt in TypeScript: virtual machines as Kubernetes objects');
  program
    .command('up')
    .description('run the embedded control plane on this machine until interrupted')
    .option('--data-dir <dir>', 'where all state is kept', defaultDataDir())
    .option('--port <port>', 'HTTPS port of the API server on 127.0.0.1', intArg(0, 65535), 6443)
    .option('--nodes <n>', 'number of nodes to run', intArg(1, 64), 1)
    .option('--control-plane-only', 'run only the API server: no scheduler, nodes or KubeVirt components')
    .option('--demo', 'once ready, build the demo guest locally, side-load it and run the VirtualMachine "demo" (examples/demo-vm.yaml)')
    .option('--no-demo', 'do not start the demo VM (scripts/up.sh passes --demo)')
    .action(async (o: { dataDir: string; port: number; nodes: number; controlPlaneOnly?: boolean; demo?: boolean }) => {
      await runUp({ dataDir: o.dataDir, port: o.port, nodes: o.nodes, controlPlaneOnly: o.controlPlaneOnly, demo: o.demo === true, log });
    });
  program
    .command('status')
    .description('tell whether a cluster runs for the data dir: up\'s pid, API server, nodes, KubeVirt components, VMs and VMIs by phase. Exit status 0 when all is ready, 2 when running but something is not ready, 3 when not running')
    .option('--data-dir <dir>', 'the data dir of `kubevirt-ts up`', defaultDataDir())
    .option('-o, --output <format>', 'text or json', (v: string) => {
      if (v !== 'text' && v !== 'json') throw new InvalidArgumentError('must be text or json');
      return v;
    }, 'text')
    .action(async (o: { dataDir: string; output: 'text' | 'json' }) => {
      const report = await collectStatus(o.dataDir);
      if (o.output === 'json') log(JSON.stringify(report, null, 2));
      else for (const line of renderStatus(report)) log(line);
      if (report.exitCode !== 0) exitCode(report.exitCode);
    });
  program
    .command('images')
    .description("manage the embedded nodes' image cache")
    .command('import')
    .description('side-load an OCI image layout (directory or tar) into the nodes\' image cache under a reference, like `kind load`; pods and image volumes with pullPolicy IfNotPresent or Never then use it without a registry')
    .argument('<source>', 'OCI image layout directory (oci-layout, index.json, blobs/) or a tar of one')
    .requiredOption('--name <ref>', 'the image reference pods name, e.g. localhost/kubevirt-ts/demo:latest')
    .option('--data-dir <dir>', 'the data dir of `kubevirt-ts up`', defaultDataDir())
    .action(async (source: string, o: { name: string; dataDir: string }) => {
      const img = await importImage({ storeDir: nodeImagesDir(o.dataDir), source, name: o.name });
      log(`imported ${img.name} (${img.digest})`);
    });
  return program;
}
