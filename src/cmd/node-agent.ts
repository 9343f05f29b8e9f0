/**
 * The embedded cluster's node agent command, one per node of `kubevirt-ts up` (which supervises it):
 * flags --kubeconfig, --node-name, --index, --state-dir, --images-dir, --repo-dir, --capacity (JSON),
 * --network-slot, --tls-cert/--tls-key/--client-ca, --port, --heartbeat-ms. SIGTERM stops the
 * agent and leaves its pods running.
 */
import { Command } from 'commander';
import { runNodeAgent } from '../cluster/kubelet/run.js';

interface Flags {
  kubeconfig: string;
  nodeName: string;
  index: string;
  stateDir: string;
  imagesDir: string;
  repoDir: string;
  capacity: string;
  networkSlot?: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  port?: string;
  heartbeatMs?: string;
}

function int(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: invalid value "${v}"`);
  return n;
}

function capacity(v: string): Record<string, string> {
  const parsed: unknown = JSON.parse(v);
  if (!parsed || typeof parsed !== 'object' || Object.values(parsed).some((q) => typeof q !== 'string')) throw new Error(`--capacity: invalid value "${v}"`);
  return parsed as Record<string, string>;
}

/** Builds the CLI (exported for tests). */
export function buildCli(): Command {
  return new Command('node-agent')
    .description("the embedded cluster's node agent (kubelet): registers its Node and runs the pods bound to it")
    .requiredOption('--kubeconfig <path>', 'kubeconfig of the node identity (system:node:<name>)')
    .requiredOption('--node-name <name>', 'name of this node')
    .requiredOption('--index <n>', 'node index N (pod network kvts-brN)')
    .requiredOption('--state-dir <dir>', "the node's state directory")
    .requiredOption('--images-dir <dir>', "the machine's image cache")
    .requiredOption('--repo-dir <dir>', 'repository root holding dist/cmd for component images')
    .requiredOption('--capacity <json>', "the node's capacity, e.g. {\"cpu\":\"1\",\"memory\":\"1Gi\"}")
    .option('--network-slot <n>', "the cluster's pod network slot (held by up); without it pods get no pod network")
    .option('--tls-cert <file>', 'serving certificate (PEM) for logs and exec')
    .option('--tls-key <file>', 'serving key (PEM)')
    .option('--client-ca <file>', 'CA (PEM) of the API server client certificate')
    .option('--port <n>', 'port of the node endpoint without TLS')
    .option('--heartbeat-ms <n>', 'node status and lease heartbeat period')
    .action(async (f: Flags) => {
      const tls = f.tlsCert && f.tlsKey && f.clientCa ? { certFile: f.tlsCert, keyFile: f.tlsKey, caFile: f.clientCa } : undefined;
      const abort = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
      await runNodeAgent(
        {
          kubeconfig: f.kubeconfig, name: f.nodeName, index: int('--index', f.index) ?? 1, stateDir: f.stateDir, imagesDir: f.imagesDir,
          repoDir: f.repoDir, capacity: capacity(f.capacity), networkSlot: int('--network-slot', f.networkSlot), tls,
          port: int('--port', f.port), heartbeatMs: int('--heartbeat-ms', f.heartbeatMs), log: (l) => console.log(l),
        },
        abort.signal,
        (port) => console.log(`node-agent: ${f.nodeName} ready${port ? ` (port ${port})` : ''}`),
      );
    });
}

buildCli().parseAsync(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`node-agent: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
