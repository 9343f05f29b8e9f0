/**
 * The virt-handler command: one per node; flags --kubeconfig, --node-name, --pods-dir, --pods-layout,
 * --emulation, --heartbeat-seconds, and the console server's --listen, --console-server-port,
 * --tls-cert-file, --tls-key-file, --client-ca-file (off without the TLS files).
 */
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { runVirtHandler } from '../virt-handler/run.js';
import { consoleServerSettings, DEFAULT_CONSOLE_SERVER_PORT, type ConsoleServerFlags } from '../virt-handler/console-server/flags.js';

interface Flags extends ConsoleServerFlags {
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
    .option('--listen <address>', 'address the console server listens on', '0.0.0.0')
    .option('--console-server-port <port>', 'port the console server listens on for virt-api (0 picks one)', String(DEFAULT_CONSOLE_SERVER_PORT))
    .option('--tls-cert-file <path>', "the console server's serving certificate (PEM)")
    .option('--tls-key-file <path>', 'private key of --tls-cert-file (PEM)')
    .option('--client-ca-file <path>', "CA bundle (the KubeVirt CA) that signs virt-api's client certificate")
    .action(async (o: Flags) => {
      const heartbeatMs = Number(o.heartbeatSeconds) * 1000;
      if (!Number.isFinite(heartbeatMs) || heartbeatMs <= 0) throw new Error(`--heartbeat-seconds: invalid value "${o.heartbeatSeconds}"`);
      const consoleServer = consoleServerSettings(o);
      if (!consoleServer) console.log('virt-handler: console server off (no --tls-cert-file, --tls-key-file, --client-ca-file)');
      await runVirtHandler({
        kubeconfig: o.kubeconfig, nodeName: o.nodeName, podsDir: o.podsDir, podsLayout: o.podsLayout, emulation: o.emulation, heartbeatMs,
        ...(consoleServer ? { consoleServer } : {}),
        log: (l) => console.log(l),
      });
    });
}

buildCli().parseAsync(process.argv).catch((err: unknown) => {
  console.error(`virt-handler: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
