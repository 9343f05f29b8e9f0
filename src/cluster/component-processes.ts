/**
 * virt-api, virt-controller and kube-scheduler as supervised child processes of `up`, as upstream
 * runs each in its own pod: each acts under its own identity's kubeconfig (a ServiceAccount's, or
 * the `system:kube-scheduler` user's), with its keys and certificates (0600)
 * under `<data>/components/<component>/`, is restarted when it dies (kill -9 included) and stopped
 * with SIGTERM. virt-api keeps the port `up` picked for it across restarts, so its webhook and
 * APIService registrations stay valid; virt-controller and kube-scheduler keep their leader
 * identities, so a restarted process takes its own Lease at once instead of waiting for it to expire.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { HandlerEndpoint } from '../virt-api/subresources/index.js';
import { formatControllerLine, virtApiArgs, virtControllerArgs } from './component-flags.js';
import { COMPONENT_ACCOUNTS, componentIdentity, userIdentity } from './identities.js';
import { issueClientCert, issueServerCert, type CertificateAuthority, type ClusterPki } from './pki/index.js';
import { SupervisedProcess } from './supervised-process.js';
import { kubeSchedulerArgs, SCHEDULER_STARTED } from './scheduler/flags.js';
import { SCHEDULER_USER } from './scheduler/rbac.js';

/** What both components need from `up`. */
export interface ComponentProcessOptions {
  readonly pki: ClusterPki;
  /** The API server's URL for the components' kubeconfigs. */
  readonly server: string;
  readonly dataDir: string;
  readonly repoDir: string;
  /** KubeVirt's namespace: the ServiceAccounts and the leader Lease live there. */
  readonly namespace: string;
  readonly log: (line: string) => void;
}

/** Writes `files` (name -> PEM) 0600 into `<data>/components/<component>/` and returns their paths. */
function writeComponentFiles<K extends string>(dataDir: string, component: string, files: Record<K, string>): Record<K, string> {
  const dir = join(dataDir, 'components', component);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths = {} as Record<K, string>;
  for (const [name, pem] of Object.entries(files) as [K, string][]) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], pem, { mode: 0o600 });
  }
  return paths;
}

/** The virt-api settings that come from `up`: its port, the KubeVirt CA and where each node's handler listens. */
export interface VirtApiSettings {
  readonly host: string;
  readonly port: number;
  /** The KubeVirt CA (signs handler console servers) and its certificate file. */
  readonly kubevirtCa: CertificateAuthority;
  readonly kubevirtCaFile: string;
  /** The common name of virt-api's client certificate toward virt-handler. */
  readonly handlerClientName: string;
  readonly handlerEndpoints: ReadonlyMap<string, HandlerEndpoint>;
}

/**
 * A supervised virt-api (not yet started) acting as kubevirt-apiserver, serving with a certificate
 * from the cluster CA (SAN virt-api.<ns>.svc) on `settings.port`.
 */
export async function virtApiProcess(o: ComponentProcessOptions, s: VirtApiSettings): Promise<SupervisedProcess> {
  const { kubeconfigPath, client } = await componentIdentity(o.pki, o.server, o.dataDir, o.namespace, COMPONENT_ACCOUNTS.apiserver);
  client.close();
  const [serving, handlerClient] = await Promise.all([
    issueServerCert(o.pki.ca, { commonName: 'virt-api', dnsNames: ['virt-api', `virt-api.${o.namespace}.svc`] }),
    issueClientCert(s.kubevirtCa, s.handlerClientName),
  ]);
  const f = writeComponentFiles(o.dataDir, 'virt-api', {
    'tls.crt': serving.certPem, 'tls.key': serving.keyPem,
    'handler-client.crt': handlerClient.certPem, 'handler-client.key': handlerClient.keyPem,
    'requestheader-ca.crt': o.pki.frontProxyCa.certPem,
  });
  const args = virtApiArgs({
    kubeconfig: kubeconfigPath, host: s.host, port: s.port, certFile: f['tls.crt'], keyFile: f['tls.key'],
    namespace: o.namespace, serviceAccounts: [COMPONENT_ACCOUNTS.controller, COMPONENT_ACCOUNTS.handler],
    requestHeaderCaFile: f['requestheader-ca.crt'], requestHeaderAllowedNames: ['front-proxy-client'],
    handlerCaFile: s.kubevirtCaFile, handlerClientCertFile: f['handler-client.crt'], handlerClientKeyFile: f['handler-client.key'],
    handlerEndpoints: s.handlerEndpoints,
  });
  return new SupervisedProcess({
    label: 'virt-api', command: 'virt-api', args, repoDir: o.repoDir, log: o.log,
    ready: (line) => line.startsWith(`virt-api serving on https://`),
  });
}

/** The virt-controller settings that come from `up`. */
export interface VirtControllerSettings {
  readonly useEmulation: boolean;
  readonly heartbeatSeconds: number;
}

/** The leader identity of `up`'s virt-controller: fixed per host, as a pod's name survives its container's restarts. */
export const controllerIdentity = (): string => `virt-controller-${hostname()}`;

/** A supervised virt-controller (not yet started) acting as kubevirt-controller, behind its leader Lease. */
export async function virtControllerProcess(o: ComponentProcessOptions, s: VirtControllerSettings): Promise<SupervisedProcess> {
  const { kubeconfigPath, client } = await componentIdentity(o.pki, o.server, o.dataDir, o.namespace, COMPONENT_ACCOUNTS.controller);
  client.close();
  const args = virtControllerArgs({
    kubeconfig: kubeconfigPath, leaseNamespace: o.namespace, identity: controllerIdentity(), launcherVersion: 'latest',
    useEmulation: s.useEmulation, heartbeatSeconds: s.heartbeatSeconds,
  });
  return new SupervisedProcess({
    label: 'virt-controller', command: 'virt-controller', args, repoDir: o.repoDir, log: o.log,
    ready: (line) => line.includes('"msg":"virt-controller started"'),
    format: formatControllerLine,
  });
}

/** The leader identity of `up`'s kube-scheduler: fixed per host, as for virt-controller. */
export const schedulerIdentity = (): string => `kube-scheduler-${hostname()}`;

/**
 * A supervised kube-scheduler (not yet started) acting as `system:kube-scheduler` (its RBAC:
 * scheduler/rbac.ts), behind the kube-system/kube-scheduler Lease.
 */
export async function kubeSchedulerProcess(o: Omit<ComponentProcessOptions, 'namespace'>, s: { readonly bindTimeoutSeconds: number }): Promise<SupervisedProcess> {
  const { kubeconfigPath, client } = await userIdentity(o.pki, o.server, o.dataDir, 'kube-scheduler', SCHEDULER_USER, []);
  client.close();
  const args = kubeSchedulerArgs({ kubeconfig: kubeconfigPath, identity: schedulerIdentity(), bindTimeoutSeconds: s.bindTimeoutSeconds });
  return new SupervisedProcess({
    label: 'kube-scheduler', command: 'kube-scheduler', args, repoDir: o.repoDir, log: o.log,
    ready: (line) => line.startsWith(SCHEDULER_STARTED),
  });
}
