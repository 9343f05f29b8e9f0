#!/usr/bin/env node
/** virt-api: parses flags, builds the client and serving certificate, and calls run(). */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { KubeClient } from '../client/kube-client.js';
import { run } from '../virt-api/run.js';
import { selfSignedServingCert } from '../virt-api/serving-cert.js';

const DEFAULT_SERVICE_ACCOUNTS = ['kubevirt-controller', 'kubevirt-handler', 'kubevirt-apiserver', 'kubevirt-operator'];

const program = new Command('virt-api')
  .description("Serves KubeVirt's admission webhooks (defaulting and validation) over HTTPS")
  .option('--kubeconfig <path>', 'kubeconfig file (in-cluster config when omitted)')
  .option('--port <port>', 'HTTPS port', '8443')
  .option('--bind-address <addr>', 'address to listen on', '0.0.0.0')
  .option('--tls-cert-file <path>', 'PEM serving certificate (self-signed when omitted)')
  .option('--tls-key-file <path>', 'PEM private key of the serving certificate')
  .option('--namespace <ns>', "namespace of kubevirt-ts's service accounts", 'kubevirt')
  .option('--kubevirt-service-accounts <names>', 'comma-separated service accounts allowed to write VMI status', DEFAULT_SERVICE_ACCOUNTS.join(','));

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<{ kubeconfig?: string; port: string; bindAddress: string; tlsCertFile?: string; tlsKeyFile?: string; namespace: string; kubevirtServiceAccounts: string }>();
  if (!!o.tlsCertFile !== !!o.tlsKeyFile) throw new Error('--tls-cert-file and --tls-key-file go together');
  const tls = o.tlsCertFile && o.tlsKeyFile
    ? { certPem: readFileSync(o.tlsCertFile, 'utf8'), keyPem: readFileSync(o.tlsKeyFile, 'utf8') }
    : await selfSignedServingCert();
  const client = await KubeClient.fromKubeconfig(o.kubeconfig);
  const abort = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => abort.abort());
  const accounts = o.kubevirtServiceAccounts.split(',').filter(Boolean).map((n) => `system:serviceaccount:${o.namespace}:${n.trim()}`);
  await run({
    client,
    host: o.bindAddress,
    port: Number(o.port),
    ...tls,
    kubevirtServiceAccounts: accounts,
    signal: abort.signal,
    log: (msg, err) => console.error(err ? `${msg}: ${err instanceof Error ? err.message : JSON.stringify(err)}` : msg),
  });
  client.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
