/**
 * startApiServer: the embedded kube-apiserver in-process — PKI, SQLite store, HTTPS listener on
 * 127.0.0.1, bootstrap objects and in-server controllers; stop() shuts all of it down.
 */
import { createServer, type Server } from 'node:https';
import { mkdir, writeFile, rename } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadOrCreatePki, renderKubeconfig, type ClusterPki } from '../pki/index.js';
import { bootstrap } from './bootstrap.js';
import { startControllers, type Controllers } from './controllers/index.js';
import { KUBERNETES_SERVICE_IP, startMasterServiceReconciler } from './services/master-endpoints.js';
import { withCoreHooks } from './registry/core-hooks.js';
import { OpenApi } from './discovery/openapi.js';
import { StoreRbacSource, authorize } from './http/authz.js';
import { wireAuthn } from './authn-wiring.js';
import { wireAdmission } from './admission-wiring.js';
import { createHandler, createUpgradeHandler, type HandlerDeps, type VirtualHandler } from './http/handler.js';
import { wireAggregation } from './aggregator-wiring.js';
import { createPodProxy } from './modules/podproxy/index.js';
import type { ApiModules } from './modules.js';
import { ResourceRegistry } from './registry/registry.js';
import type { RestDeps } from './rest/context.js';
import { Store } from './store/store.js';
import { WatchHub } from './watch/hub.js';
import { RequestMetrics } from './metrics/index.js';
import { FlowControl, flowControlOptionsFromEnv, type FlowControlOptions } from './flowcontrol/index.js';

/** Options of startApiServer. */
export interface ApiServerOptions {
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly modules: ApiModules;
  /** Extra DNS names for the serving certificate. */
  readonly dnsNames?: readonly string[];
  readonly virtual?: VirtualHandler;
  readonly log?: HandlerDeps['log'];
  /** Watch history size (events). */
  readonly historySize?: number;
  readonly now?: () => Date;
  /** IP published in the `kubernetes` Service's Endpoints (default: host, 127.0.0.1 when host is a wildcard). */
  readonly advertiseAddress?: string;
  /** Priority and fairness settings (default: KUBEVIRT_TS_APF_* or the built-in ones); false turns it off. */
  readonly flowControl?: FlowControlOptions | false;
}

function flowControlOf(o: FlowControlOptions | false | undefined): FlowControl | undefined {
  const env = flowControlOptionsFromEnv();
  if (o === false || (o === undefined && !env)) return undefined;
  return new FlowControl({ ...env, ...o });
}

/** A running server. */
export interface RunningApiServer {
  readonly url: string;
  readonly port: number;
  readonly pki: ClusterPki;
  /** Admin kubeconfig (O=system:masters) as YAML, also written to DATA_DIR/kubeconfig. */
  readonly adminKubeconfig: string;
  readonly kubeconfigPath: string;
  readonly deps: RestDeps;
  /** Resolves when the in-server controllers are idle (tests). */
  controllersIdle(): Promise<void>;
  stop(): Promise<void>;
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the API server and resolves once it answers /readyz (bootstrap done, kubeconfig written). */
export async function startApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const host = opts.host ?? '127.0.0.1';
  // The serving certificate also names the `kubernetes` Service's cluster IP, for in-cluster clients.
  const ipAddresses = [KUBERNETES_SERVICE_IP, ...(opts.advertiseAddress ? [opts.advertiseAddress] : [])];
  const pki = await loadOrCreatePki(join(opts.dataDir, 'pki'), { dnsNames: opts.dnsNames, ipAddresses });
  const store = new Store(join(opts.dataDir, 'state.db'), { historySize: opts.historySize });
  const registry = new ResourceRegistry(withCoreHooks(opts.modules.builtins ?? [], store));
  const modules: { -readonly [K in keyof ApiModules]: ApiModules[K] } = { ...opts.modules };
  const deps: RestDeps = { store, registry, modules, now: opts.now ?? (() => new Date()), caPem: pki.ca.certPem };
  const hub = new WatchHub(store);
  const rbacSource = new StoreRbacSource(store);
  const authn = await wireAuthn(opts.dataDir, deps, (a) => authorize(a, modules.rbac, rbacSource), rbacSource);
  modules.tokens ??= authn.tokens;
  const admission = modules.admission ? undefined : wireAdmission(store);
  const aggregation = wireAggregation(store, pki);
  modules.admission ??= admission;
  let ready = false;
  let port = opts.port;
  const handlerDeps: HandlerDeps = {
    ...deps,
    hub,
    rbacSource,
    openapi: new OpenApi(registry, opts.modules.builtinOpenAPI, opts.modules.openapiV2 ? () => opts.modules.openapiV2!.document() : undefined),
    serverAddress: () => `${host}:${port}`,
    ready: () => ready,
    virtual: opts.virtual ?? authn.virtual,
    aggregation,
    metrics: new RequestMetrics(),
    flowControl: flowControlOf(opts.flowControl),
    podProxy: createPodProxy({ pod: (ns, name) => store.get({ group: '', resource: 'pods' }, ns, name), node: (name) => store.get({ group: '', resource: 'nodes' }, '', name) }, pki),
    log: opts.log,
  };
  const server = createServer(
    { key: pki.server.keyPem, cert: pki.server.certPem, ca: [pki.ca.certPem], requestCert: true, rejectUnauthorized: false },
    createHandler(handlerDeps),
  );
  server.on('upgrade', createUpgradeHandler(handlerDeps));
  server.keepAliveTimeout = 65_000;
  let controllers: Controllers | undefined;
  let stopMaster: (() => void) | undefined;
  try {
    port = await listen(server, opts.port, host);
    await bootstrap(deps, opts.modules.rbac?.bootstrapPolicy() ?? []);
    const advertise = opts.advertiseAddress ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    stopMaster = await startMasterServiceReconciler(deps, { ip: advertise, port });
    controllers = startControllers(deps);
    await controllers.ready();
  } catch (err) {
    stopMaster?.();
    server.closeAllConnections();
    server.close();
    aggregation.stop();
    admission?.close();
    hub.close();
    rbacSource.close();
    store.close();
    throw err;
  }
  ready = true;
  const url = `https://${host}:${port}`;
  const adminKubeconfig = renderKubeconfig({ server: url, caPem: pki.ca.certPem, credentials: pki.admin, userName: 'kubernetes-admin' });
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  await writeAtomic(kubeconfigPath, adminKubeconfig);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      ready = false;
      stopMaster?.();
      await controllers?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      admission?.close();
      aggregation.stop();
      hub.close();
      rbacSource.close();
      store.close();
    })());
  return { url, port, pki, adminKubeconfig, kubeconfigPath, deps, stop, controllersIdle: () => controllers?.idle() ?? Promise.resolve() };
}
