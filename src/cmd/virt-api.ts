#!/usr/bin/env node
/** virt-api: parses flags, builds the client and serving certificate, and calls run(). */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { KubeClient } from '../client/kube-client.js';
import { parseHandlerEndpoints, run, staticLocator, type SubresourceOptions } from '../virt-api/run.js';
import { selfSignedServingCert } from '../virt-api/serving-cert.js';

const DEFAULT_SERVICE_ACCOUNTS = ['kubevirt-controller', 'kubevirt-handler', 'kubevirt-apiserver', 'kubevirt-operator'];

const program = new Command('virt-api')
  .description("Serves KubeVirt's admission webhooks (defaulting and validation) and, given the request-header and handler flags, the subresources.kubevirt.io API over HTTPS")
  .option('--kubeconfig <path>', 'kubeconfig file (in-cluster config when omitted)')
  .option('--port <port>', 'HTTPS port', '8443')
  .option('--bind-address <addr>', 'address to listen on', '0.0.0.0')
  .option('--tls-cert-file <path>', 'PEM serving certificate (self-signed when omitted)')
  .option('--tls-key-file <path>', 'PEM private key of the serving certificate')
  .option('--namespace <ns>', "namespace of kubevirt-ts's service accounts", 'kubevirt')
  .option('--kubevirt-service-accounts <names>', 'comma-separated service accounts allowed to write VMI status', DEFAULT_SERVICE_ACCOUNTS.join(','))
  .option('--requestheader-client-ca-file <path>', "CA (PEM) of the aggregator's front proxy client certificate; serves the subresource API")
  .option('--requestheader-allowed-names <names>', 'comma-separated common names the front proxy may present', 'front-proxy-client')
  .option('--handler-ca-file <path>', "CA (PEM) that signed virt-handlers' console server certificates")
  .option('--handler-client-cert-file <path>', "virt-api's client certificate (PEM) toward virt-handler")
  .option('--handler-client-key-file <path>', 'private key (PEM) of that client certificate')
  .option('--handler-endpoints <list>', "each node's virt-handler console server, node=host:port,...; the handler pod's IP on 8186 when omitted");

interface Flags {
  kubeconfig?: string;
  port: string;
  bindAddress: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  namespace: string;
  kubevirtServiceAccounts: string;
  requestheaderClientCaFile?: string;
  requestheaderAllowedNames: string;
  handlerCaFile?: string;
  handlerClientCertFile?: string;
  handlerClientKeyFile?: string;
  handlerEndpoints?: string;
}

/** The subresource API's settings, when the request-header CA is given (it needs the handler TLS files too). */
function subresourceOptions(o: Flags): SubresourceOptions | undefined {
  if (!o.requestheaderClientCaFile) return undefined;
  if (!o.handlerCaFile || !o.handlerClientCertFile || !o.handlerClientKeyFile) {
    throw new Error('--requestheader-client-ca-file needs --handler-ca-file, --handler-client-cert-file and --handler-client-key-file');
  }
  const endpoints = o.handlerEndpoints === undefined ? undefined : parseHandlerEndpoints(o.handlerEndpoints);
  return {
    namespace: o.namespace,
    requestHeader: { caPem: readFileSync(o.requestheaderClientCaFile, 'utf8'), allowedNames: o.requestheaderAllowedNames.split(',').map((n) => n.trim()).filter(Boolean) },
    handlerTls: { ca: readFileSync(o.handlerCaFile, 'utf8'), cert: readFileSync(o.handlerClientCertFile, 'utf8'), key: readFileSync(o.handlerClientKeyFile, 'utf8') },
    ...(endpoints ? { locateHandler: staticLocator(endpoints) } : {}),
  };
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<Flags>();
  if (!!o.tlsCertFile !== !!o.tlsKeyFile) throw new Error('--tls-cert-file and --tls-key-file go together');
  const tls = o.tlsCertFile && o.tlsKeyFile
    ? { certPem: readFileSync(o.tlsCertFile, 'utf8'), keyPem: readFileSync(o.tlsKeyFile, 'utf8') }
    : await selfSignedServingCert();
  const subresources = subresourceOptions(o);
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
    ...(subresources ? { subresources } : {}),
    log: (msg, err) => console.error(err ? `${msg}: ${err instanceof Error ? err.message : JSON.stringify(err)}` : msg),
  });
  client.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
