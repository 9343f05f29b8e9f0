/**
 * What `kubevirt-ts up` runs on top of the API server: the kubevirt.io CRDs and RBAC, virt-api
 * with its admission webhooks registered, the scheduler, the node agents, virt-controller and one
 * virt-handler process per node. Each KubeVirt component acts under its own ServiceAccount
 * identity with its deploy/rbac role; each node agent is a supervised process acting as
 * `system:node:<name>`; the scheduler and storage controller act as the admin.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/meta/index.js';
import { kubevirtCrds } from '../api/crds/index.js';
import type { KubeClient } from '../client/kube-client.js';
import { run as runVirtApi } from '../virt-api/run.js';
import { webhookConfigurations } from '../virt-api/webhook-config.js';
import type { RunningApiServer } from './apiserver/server.js';
import { createOrReplace } from './apply.js';
import { clientFor, COMPONENT_ACCOUNTS, componentIdentity, serviceAccountUser } from './identities.js';
import { issueClientCert, issueServerCert, loadOrCreateCa, type CertificateAuthority, type CertKeyPem } from './pki/index.js';
import { apiServiceFor, type HandlerEndpoint } from '../virt-api/subresources/index.js';
import { VIRT_API_CLIENT_NAME } from '../virt-handler/console-server/index.js';
import { Scheduler } from './scheduler/scheduler.js';
import { startNodeProcesses, type RunningNodeProcesses } from './node-processes.js';
import { podsOnNodes, sweepPodCgroups } from './cgroup-sweep.js';
import { LocalVolumeController } from './storage/index.js';
import { run as runVirtController } from '../virt-controller/run.js';
import { HandlerProcess, type HandlerConsoleServer } from './handler-processes.js';
import { NodeLifecycleController } from './node-lifecycle.js';

export const KUBEVIRT_NAMESPACE = 'kubevirt';

export interface StackOptions {
  readonly api: RunningApiServer;
  readonly admin: KubeClient;
  readonly dataDir: string;
  readonly repoDir: string;
  readonly nodes: number;
  readonly log: (line: string) => void;
}

export interface RunningStack {
  stop(): Promise<void>;
}

/** Every document of every YAML file in `dir`. */
function manifestsIn(dir: string): KubeObject[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJSON() as KubeObject))
    .filter((o) => o && typeof o === 'object');
}

async function until(what: string, deadlineMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Installs the kubevirt.io API (CRDs, RBAC) and waits until the API server serves it. */
async function installKubevirtApi(admin: KubeClient, repoDir: string): Promise<void> {
  await createOrReplace(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KUBEVIRT_NAMESPACE } });
  for (const crd of kubevirtCrds()) await createOrReplace(admin, crd as unknown as KubeObject);
  await until('the kubevirt.io/v1 API', 30_000, async () => {
    const list = await admin.get<{ resources?: { name: string }[] }>('/apis/kubevirt.io/v1');
    return (list.resources ?? []).some((r) => r.name === 'virtualmachineinstances');
  });
  for (const obj of manifestsIn(join(repoDir, 'deploy', 'rbac'))) await createOrReplace(admin, obj);
}

/**
 * The KubeVirt CA (virt-api <-> virt-handler mutual TLS, upstream's kubevirt-ca) and virt-api's
 * client certificate; each handler's serving certificate comes from handlerConsoleServer.
 */
interface KubevirtCerts {
  readonly ca: CertificateAuthority;
  readonly caFile: string;
  readonly virtApiClient: CertKeyPem;
}

async function kubevirtCerts(o: StackOptions): Promise<KubevirtCerts> {
  const ca = await loadOrCreateCa(o.api.pki.dir, 'kubevirt-ca', 'kubevirt-ts-kubevirt-ca');
  return { ca, caFile: join(o.api.pki.dir, 'kubevirt-ca.crt'), virtApiClient: await issueClientCert(ca, VIRT_API_CLIENT_NAME) };
}

/** `n` distinct free TCP ports on `host` (the kernel's picks), for servers started later in other processes. */
async function freePorts(host: string, n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  try {
    return await Promise.all(servers.map((srv) => new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, host, () => resolve((srv.address() as AddressInfo).port));
    })));
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((r) => (srv.listening ? srv.close(() => r()) : r()))));
  }
}

/**
 * A node's handler console server: a serving certificate (SAN virt-handler) from the KubeVirt CA
 * in `<data>/components/virt-handler-<node>/`, and a loopback port of its own that it keeps across
 * restarts (upstream: 8186 on each node's pod IP; here the nodes share one address).
 */
async function handlerConsoleServer(o: StackOptions, certs: KubevirtCerts, nodeName: string, port: number): Promise<HandlerConsoleServer> {
  const dir = join(o.dataDir, 'components', `virt-handler-${nodeName}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serving = await issueServerCert(certs.ca, { commonName: 'virt-handler', dnsNames: ['virt-handler'] });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(keyFile, serving.keyPem, { mode: 0o600 });
  writeFileSync(certFile, serving.certPem, { mode: 0o600 });
  return { listen: '127.0.0.1', port, certFile, keyFile, clientCaFile: certs.caFile };
}

/** Starts virt-api under its own identity and registers its webhooks and APIService; resolves once it serves. */
async function startVirtApi(o: StackOptions, signal: AbortSignal, certs: KubevirtCerts, handlers: ReadonlyMap<string, HandlerEndpoint>): Promise<{ done: Promise<void> }> {
  const id = serviceAccountUser(KUBEVIRT_NAMESPACE, COMPONENT_ACCOUNTS.apiserver);
  const { client } = await clientFor(o.api.pki, o.api.url, id.user, id.groups);
  const serving = await issueServerCert(o.api.pki.ca, { commonName: 'virt-api', dnsNames: ['virt-api', `virt-api.${KUBEVIRT_NAMESPACE}.svc`] });
  let port = 0;
  let done: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    done = runVirtApi({
      client,
      host: '127.0.0.1',
      port: 0,
      certPem: serving.certPem,
      keyPem: serving.keyPem,
      kubevirtServiceAccounts: [COMPONENT_ACCOUNTS.controller, COMPONENT_ACCOUNTS.handler].map((n) => serviceAccountUser(KUBEVIRT_NAMESPACE, n).user),
      signal,
      subresources: {
        requestHeader: { caPem: o.api.pki.frontProxyCa.certPem, allowedNames: ['front-proxy-client'] },
        handlerTls: { ca: certs.ca.certPem, cert: certs.virtApiClient.certPem, key: certs.virtApiClient.keyPem },
        locateHandler: (node) => {
          const ep = handlers.get(node);
          return ep ? Promise.resolve(ep) : Promise.reject(new Error(`no virt-handler runs on node ${node}`));
        },
      },
      log: (msg, err) => o.log(`virt-api: ${msg}${err instanceof Error ? `: ${err.message}` : ''}`),
      onListening: (p) => {
        port = p;
        resolve();
      },
    }).finally(() => client.close());
    done.catch(reject);
  });
  const caBundle = Buffer.from(o.api.pki.ca.certPem).toString('base64');
  for (const cfg of webhookConfigurations(caBundle, { url: `https://127.0.0.1:${port}` })) await createOrReplace(o.admin, cfg);
  for (const obj of apiServiceFor({ namespace: KUBEVIRT_NAMESPACE, caBundle, endpoint: { ip: '127.0.0.1', port } })) await createOrReplace(o.admin, obj);
  return { done };
}

/** Emulation unless KVM is both present and asked for: /dev/kvm can exist yet not run guests. */
const emulation = (): 'always' | 'auto' => (process.env.KUBEVIRT_TS_ACCEL === 'kvm' ? 'auto' : 'always');

/**
 * virt-handler's heartbeat period; the node controller declares a node unresponsive after five
 * missed periods and rechecks every period (upstream: 60 s, 5 min, 1 min). Tests shorten it
 * with KUBEVIRT_TS_HEARTBEAT_SECONDS.
 */
export function heartbeatSeconds(): number {
  const n = Number(process.env.KUBEVIRT_TS_HEARTBEAT_SECONDS ?? '60');
  return Number.isFinite(n) && n > 0 ? n : 60;
}

/** Starts the KubeVirt layer and the cluster's scheduler and nodes. */
export async function startStack(o: StackOptions): Promise<RunningStack> {
  const abort = new AbortController();
  await installKubevirtApi(o.admin, o.repoDir);
  const certs = await kubevirtCerts(o);
  const handlerEndpoints = new Map<string, HandlerEndpoint>();
  const virtApi = await startVirtApi(o, abort.signal, certs, handlerEndpoints);
  o.log('kubevirt-ts: virt-api serving, webhooks registered');
  // kube-scheduler's bindTimeoutSeconds (600 s); KUBEVIRT_TS_BIND_TIMEOUT_SECONDS shortens it for tests.
  const bindTimeout = Number(process.env.KUBEVIRT_TS_BIND_TIMEOUT_SECONDS ?? '600');
  const scheduler = new Scheduler(o.admin, { log: (m) => o.log(`scheduler: ${m}`), bindTimeoutMs: (Number.isFinite(bindTimeout) && bindTimeout > 0 ? bindTimeout : 600) * 1000 });
  await scheduler.start();
  let nodes: RunningNodeProcesses | undefined;
  try {
    nodes = await startNodeProcesses({ admin: o.admin, pki: o.api.pki, server: o.api.url, count: o.nodes, dataDir: o.dataDir, repoDir: o.repoDir, log: o.log });
  } catch (e) {
    await scheduler.stop();
    abort.abort();
    throw e;
  }
  o.log(`kubevirt-ts: ${o.nodes} node(s) ready`);
  const volumes = new LocalVolumeController(o.admin, { dataDir: o.dataDir, log: (m) => o.log(`storage: ${m}`) });
  await volumes.start();
  const ctl = await componentIdentity(o.api.pki, o.api.url, o.dataDir, KUBEVIRT_NAMESPACE, COMPONENT_ACCOUNTS.controller);
  ctl.client.close();
  const beat = heartbeatSeconds();
  const controllerDone = runVirtController(
    {
      kubeconfig: ctl.kubeconfigPath,
      leaderElect: true,
      leaseNamespace: KUBEVIRT_NAMESPACE,
      version: 'latest',
      useEmulation: emulation() === 'always',
      node: { heartbeatTimeoutMs: 5 * beat * 1000, recheckMs: beat * 1000 },
      log: { info: (m) => o.log(`virt-controller: ${m}`), error: (m, f) => o.log(`virt-controller: ${m} ${JSON.stringify(f ?? {})}`) },
    },
    abort.signal,
  );
  const hd = await componentIdentity(o.api.pki, o.api.url, o.dataDir, KUBEVIRT_NAMESPACE, COMPONENT_ACCOUNTS.handler);
  hd.client.close();
  const nodeNames = nodes?.names ?? [];
  const handlers: HandlerProcess[] = [];
  try {
    const ports = await freePorts('127.0.0.1', nodeNames.length);
    for (const [i, port] of ports.entries()) {
      const nodeName = nodeNames[i] ?? '';
      const consoleServer = await handlerConsoleServer(o, certs, nodeName, port);
      handlerEndpoints.set(nodeName, { host: consoleServer.listen, port });
      handlers.push(new HandlerProcess({
        nodeName, kubeconfigPath: hd.kubeconfigPath, podsDir: join(o.dataDir, 'nodes', nodeName, 'pods'),
        emulation: emulation(), heartbeatSeconds: beat, repoDir: o.repoDir, consoleServer, log: o.log,
      }));
    }
    await Promise.all(handlers.map((h) => h.start()));
  } catch (e) {
    await Promise.all(handlers.map((h) => h.stop()));
    abort.abort();
    await nodes?.stop({ releasePods: true });
    await scheduler.stop();
    throw e;
  }
  o.log('kubevirt-ts: virt-controller and virt-handler running');
  // kube-controller-manager's node monitor; KUBEVIRT_TS_NODE_GRACE_SECONDS shortens its grace period for tests.
  const grace = Number(process.env.KUBEVIRT_TS_NODE_GRACE_SECONDS ?? '0');
  const lifecycle = new NodeLifecycleController(o.admin, { ...(Number.isFinite(grace) && grace > 0 ? { graceMs: grace * 1000 } : {}), log: o.log });
  lifecycle.start();
  return {
    async stop() {
      await lifecycle.stop();
      await Promise.all(handlers.map((h) => h.stop()));
      abort.abort();
      await controllerDone.catch((e: unknown) => o.log(`virt-controller: ${String(e)}`));
      await volumes.stop();
      const pods = podsOnNodes(join(o.dataDir, 'nodes'), nodeNames);
      await nodes?.stop({ releasePods: true });
      const left = await sweepPodCgroups(pods);
      if (left.length > 0) o.log(`kubevirt-ts: killed ${left.length} process(es) left in pod cgroups (guests)`);
      await scheduler.stop();
      await virtApi.done;
    },
  };
}
