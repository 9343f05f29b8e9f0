/** run(): virt-api as a process: cluster deps, the HTTPS server, until the signal aborts. */
import type { KubeClient } from '../client/kube-client.js';
import { startCpuProfile } from '../common/cpu-profile.js';
import { clusterDeps } from './cluster-deps.js';
import { close, createVirtApiServer, listen } from './server.js';
import { HandlerClient, podLocator, subjectAccessReviewer, type HandlerEndpoint, type HandlerLocator, type HandlerTls, type RequestHeaderConfig, type SubresourceDeps } from './subresources/index.js';

/** Settings of the aggregated subresource API. */
export interface SubresourceOptions {
  readonly requestHeader: RequestHeaderConfig;
  /** mTLS toward virt-handler's console servers. */
  readonly handlerTls: HandlerTls;
  /** Finds a node's virt-handler; default: its pod in `namespace` on port 8186. */
  readonly locateHandler?: HandlerLocator;
  readonly namespace?: string;
  readonly version?: () => Record<string, unknown>;
}

export interface VirtApiOptions {
  readonly client: KubeClient;
  readonly host: string;
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly kubevirtServiceAccounts: readonly string[];
  readonly signal: AbortSignal;
  readonly log?: (msg: string, err?: unknown) => void;
  /** Serve subresources.kubevirt.io/v1 too (console, VNC, start/stop, ...). */
  readonly subresources?: SubresourceOptions;
  /** Called with the bound port once serving. */
  readonly onListening?: (port: number) => void;
}

/** Serves until `signal` aborts, then stops the informer and the server. */
export async function run(opts: VirtApiOptions): Promise<void> {
  const stopProfile = await startCpuProfile('virt-api');
  const log = opts.log ?? (() => {});
  const cluster = clusterDeps(opts.client, opts.kubevirtServiceAccounts, (e) => log('KubeVirt CR informer failed', e));
  cluster.start();
  const subresources = opts.subresources ? subresourceDeps(opts, opts.subresources, log) : undefined;
  const server = createVirtApiServer({
    certPem: opts.certPem, keyPem: opts.keyPem, deps: cluster.deps, ready: cluster.ready, onError: (e) => log('admission failed', e),
    ...(subresources ? { subresources } : {}),
  });
  const port = await listen(server, opts.port, opts.host);
  log(`virt-api serving on https://${opts.host}:${port}`);
  opts.onListening?.(port);
  if (!opts.signal.aborted) await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.all([close(server), cluster.stop()]);
  await stopProfile();
}

/** The build of virt-api's version, as upstream's virtversion.Get() reports it. */
export function versionInfo(): Record<string, unknown> {
  return {
    gitVersion: 'v0.1.0+kubevirt-ts', gitCommit: '', gitTreeState: 'clean', buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`, compiler: 'tsc', platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

function subresourceDeps(opts: VirtApiOptions, s: SubresourceOptions, log: (msg: string, err?: unknown) => void): SubresourceDeps {
  const locate = s.locateHandler ?? podLocator(opts.client, s.namespace ?? 'kubevirt');
  return {
    client: opts.client,
    handlers: new HandlerClient(locate, s.handlerTls),
    requestHeader: s.requestHeader,
    authorize: subjectAccessReviewer(opts.client),
    version: s.version ?? versionInfo,
    healthy: async () => (await opts.client.get('/version').then(() => true, () => false)),
    log: (m, e) => log(`subresources: ${m}`, e),
  };
}

/** Parses `--handler-endpoints`; throws naming the entry that is not `node=host:port`. */
export function parseHandlerEndpoints(spec: string): Map<string, HandlerEndpoint> {
  const out = new Map<string, HandlerEndpoint>();
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)=(.+):(\d{1,5})$/.exec(entry);
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65535) throw new Error(`invalid --handler-endpoints entry "${entry}": expected node=host:port`);
    if (out.has(m[1]!)) throw new Error(`invalid --handler-endpoints: node "${m[1]!}" listed twice`);
    out.set(m[1]!, { host: m[2]!.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return out;
}

/** A locator over fixed endpoints (`--handler-endpoints`); a node without one is refused by name. */
export function staticLocator(endpoints: ReadonlyMap<string, HandlerEndpoint>): HandlerLocator {
  return (node) => {
    const ep = endpoints.get(node);
    return ep ? Promise.resolve(ep) : Promise.reject(new Error(`no virt-handler runs on node ${node}`));
  };
}
