/** run(): virt-api as a process: cluster deps, the HTTPS server, until the signal aborts. */
import type { KubeClient } from '../client/kube-client.js';
import { clusterDeps } from './cluster-deps.js';
import { close, createVirtApiServer, listen } from './server.js';

export interface VirtApiOptions {
  readonly client: KubeClient;
  readonly host: string;
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly kubevirtServiceAccounts: readonly string[];
  readonly signal: AbortSignal;
  readonly log?: (msg: string, err?: unknown) => void;
  /** Called with the bound port once serving. */
  readonly onListening?: (port: number) => void;
}

/** Serves until `signal` aborts, then stops the informer and the server. */
export async function run(opts: VirtApiOptions): Promise<void> {
  const log = opts.log ?? (() => {});
  const cluster = clusterDeps(opts.client, opts.kubevirtServiceAccounts, (e) => log('KubeVirt CR informer failed', e));
  cluster.start();
  const server = createVirtApiServer({ certPem: opts.certPem, keyPem: opts.keyPem, deps: cluster.deps, ready: cluster.ready, onError: (e) => log('admission failed', e) });
  const port = await listen(server, opts.port, opts.host);
  log(`virt-api serving on https://${opts.host}:${port}`);
  opts.onListening?.(port);
  if (!opts.signal.aborted) await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.all([close(server), cluster.stop()]);
}
