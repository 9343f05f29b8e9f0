/**
 * What `kubevirt-ts up` runs on top of the API server: the kubevirt.io CRDs and RBAC, virt-api
 * with its admission webhooks registered, the scheduler, the node agents, virt-controller and one
 * virt-handler process per node. virt-api, virt-controller, each virt-handler and each node agent
 * is a supervised child process (as upstream runs them in pods; see docs/adr/0006), and so is the
 * scheduler (docs/adr/0008); each KubeVirt component acts under its own ServiceAccount identity with
 * its deploy/rbac role, the scheduler as `system:kube-scheduler`, each node agent as
 * `system:node:<name>`; the storage controller runs in `up` as the admin.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/meta/index.js';
import { kubevirtCrds } from '../api/crds/index.js';
import type { KubeClient } from '../client/kube-client.js';
import { webhookConfigurations } from '../virt-api/webhook-config.js';
import type { RunningApiServer } from './apiserver/server.js';
import { createOrReplace } from './apply.js';
import { COMPONENT_ACCOUNTS, componentIdentity } from './identities.js';
import { issueServerCert, loadOrCreateCa, type CertificateAuthority } from './pki/index.js';
import { apiServiceFor, type HandlerEndpoint } from '../virt-api/subresources/index.js';
import { VIRT_API_CLIENT_NAME } from '../virt-handler/console-server/index.js';
import { bindTimeoutSeconds } from './scheduler/flags.js';
import { schedulerRbac } from './scheduler/rbac.js';
import { startNodeProcesses, type RunningNodeProcesses } from './node-processes.js';
import { podsOnNodes, sweepPodCgroups } from './cgroup-sweep.js';
import { LocalVolumeController } from './storage/index.js';
import { nodeName } from './kubelet/node-object.js';
import { kubeSchedulerProcess, virtApiProcess, virtControllerProcess } from './component-processes.js';
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
 * The KubeVirt CA (virt-api <-> virt-handler mutual TLS, upstream's kubevirt-ca); virt-api's client
 * certificate comes from virtApiProcess, each handler's serving certificate from handlerConsoleServer.
 */
interface KubevirtCerts {
  readonly ca: CertificateAuthority;
  readonly caFile: string;
}

async function kubevirtCerts(o: StackOptions): Promise<KubevirtCerts> {
  const ca = await loadOrCreateCa(o.api.pki.dir, 'kubevirt-ca', 'kubevirt-ts-kubevirt-ca');
  return { ca, caFile: join(o.api.pki.dir, 'kubevirt-ca.crt') };
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

/** Registers virt-api's webhooks and APIService at the loopback port it serves on. */
async function registerVirtApi(o: StackOptions, port: number): Promise<void> {
  const caBundle = Buffer.from(o.api.pki.ca.certPem).toString('base64');
  for (const cfg of webhookConfigurations(caBundle, { url: `https://127.0.0.1:${port}` })) await createOrReplace(o.admin, cfg);
  for (const obj of apiServiceFor({ namespace: KUBEVIRT_NAMESPACE, caBundle, endpoint: { ip: '127.0.0.1', port } })) await createOrReplace(o.admin, obj);
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
  await installKubevirtApi(o.admin, o.repoDir);
  const certs = await kubevirtCerts(o);
  const beat = heartbeatSeconds();
  // Ports picked before spawning and kept across restarts: virt-api's registrations and the handlers' endpoints stay valid.
  const nodeNames = Array.from({ length: o.nodes }, (_, i) => nodeName(i + 1));
  const [apiPort = 0, ...handlerPorts] = await freePorts('127.0.0.1', 1 + nodeNames.length);
  const handlerEndpoints = new Map<string, HandlerEndpoint>(nodeNames.map((n, i) => [n, { host: '127.0.0.1', port: handlerPorts[i] ?? 0 }]));
  const components = { pki: o.api.pki, server: o.api.url, dataDir: o.dataDir, repoDir: o.repoDir, namespace: KUBEVIRT_NAMESPACE, log: o.log };
  const virtApi = await virtApiProcess(components, {
    host: '127.0.0.1', port: apiPort, kubevirtCa: certs.ca, kubevirtCaFile: certs.caFile, handlerClientName: VIRT_API_CLIENT_NAME, handlerEndpoints,
  });
  const controller = await virtControllerProcess(components, { useEmulation: emulation() === 'always', heartbeatSeconds: beat });
  // They start beside each other and the nodes (they need only the API and their RBAC); `up` is
  // ready once virt-api serves with its webhooks registered, virt-controller leads and the scheduler schedules.
  const controllerStarted = controller.start();
  const apiRegistered = virtApi.start().then(async () => {
    await registerVirtApi(o, apiPort);
    o.log('kubevirt-ts: virt-api serving, webhooks registered');
  });
  // Set up once virt-api and virt-controller are starting, so its RBAC writes and certificate do not delay them.
  const scheduler = await kubeSchedulerProcess(components, { bindTimeoutSeconds: bindTimeoutSeconds() }).then(async (p) => {
    for (const obj of schedulerRbac()) await createOrReplace(o.admin, obj);
    return p;
  }).catch(async (e: unknown) => {
    await Promise.all([controller.stop(), virtApi.stop()]);
    throw e;
  });
  const schedulerStarted = scheduler.start();
  for (const p of [controllerStarted, apiRegistered, schedulerStarted]) p.catch(() => undefined);
  const stopComponents = () => Promise.all([controller.stop(), virtApi.stop(), scheduler.stop()]);
  let nodes: RunningNodeProcesses | undefined;
  try {
    nodes = await startNodeProcesses({ admin: o.admin, pki: o.api.pki, server: o.api.url, count: o.nodes, dataDir: o.dataDir, repoDir: o.repoDir, log: o.log });
  } catch (e) {
    await stopComponents();
    throw e;
  }
  o.log(`kubevirt-ts: ${o.nodes} node(s) ready`);
  const volumes = new LocalVolumeController(o.admin, { dataDir: o.dataDir, log: (m) => o.log(`storage: ${m}`) });
  await volumes.start();
  const hd = await componentIdentity(o.api.pki, o.api.url, o.dataDir, KUBEVIRT_NAMESPACE, COMPONENT_ACCOUNTS.handler);
  hd.client.close();
  const handlers: HandlerProcess[] = [];
  try {
    for (const [nodeName, ep] of handlerEndpoints) {
      const consoleServer = await handlerConsoleServer(o, certs, nodeName, ep.port);
      handlers.push(new HandlerProcess({
        nodeName, kubeconfigPath: hd.kubeconfigPath, podsDir: join(o.dataDir, 'nodes', nodeName, 'pods'),
        emulation: emulation(), heartbeatSeconds: beat, repoDir: o.repoDir, consoleServer, log: o.log,
      }));
    }
    await Promise.all([...handlers.map((h) => h.start()), controllerStarted, apiRegistered, schedulerStarted]);
  } catch (e) {
    await Promise.all(handlers.map((h) => h.stop()));
    await stopComponents();
    await volumes.stop();
    await nodes.stop({ releasePods: true });
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
      await stopComponents();
      await volumes.stop();
      const pods = podsOnNodes(join(o.dataDir, 'nodes'), nodeNames);
      await nodes.stop({ releasePods: true });
      const left = await sweepPodCgroups(pods);
      if (left.length > 0) o.log(`kubevirt-ts: killed ${left.length} process(es) left in pod cgroups (guests)`);
    },
  };
}
