/**
 * Client identities for the components `up` runs: each gets its own certificate, signed by the
 * cluster CA, naming the component's ServiceAccount, so RBAC grants it only its own role.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../client/kube-client.js';
import { issueClientCert, renderKubeconfig, type ClusterPki } from './pki/index.js';

/** `system:serviceaccount:<ns>:<name>` with the ServiceAccount groups kube-apiserver gives tokens. */
export function serviceAccountUser(namespace: string, name: string): { user: string; groups: string[] } {
  return { user: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] };
}

/** A kubeconfig (YAML) and a client acting as `user` against the embedded API server. */
export async function clientFor(pki: ClusterPki, server: string, user: string, groups: readonly string[]): Promise<{ kubeconfig: string; client: KubeClient }> {
  const creds = await issueClientCert(pki.ca, user, groups);
  const kubeconfig = renderKubeconfig({ server, caPem: pki.ca.certPem, credentials: creds, userName: user });
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return { kubeconfig, client: await KubeClient.fromConfig(kc) };
}

/** The upstream ServiceAccount names of KubeVirt's components (deploy/rbac binds a role to each). */
export const COMPONENT_ACCOUNTS = { controller: 'kubevirt-controller', handler: 'kubevirt-handler', apiserver: 'kubevirt-apiserver' } as const;

/**
 * A kubeconfig acting as `user` in `groups` and nothing more (no system:masters), written to
 * `<dataDir>/components/<file>.kubeconfig` (0600) for a process, plus a client.
 */
export async function userIdentity(pki: ClusterPki, server: string, dataDir: string, file: string, user: string, groups: readonly string[]): Promise<{ kubeconfigPath: string; client: KubeClient }> {
  const { kubeconfig, client } = await clientFor(pki, server, user, groups);
  const dir = join(dataDir, 'components');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const kubeconfigPath = join(dir, `${file}.kubeconfig`);
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return { kubeconfigPath, client };
}

/**
 * A component's kubeconfig, acting as its ServiceAccount and nothing more (no system:masters):
 * written under `<dataDir>/components/<account>.kubeconfig` (0600) for processes, plus a client.
 */
export async function componentIdentity(pki: ClusterPki, server: string, dataDir: string, namespace: string, account: string): Promise<{ kubeconfigPath: string; client: KubeClient }> {
  const id = serviceAccountUser(namespace, account);
  return userIdentity(pki, server, dataDir, account, id.user, id.groups);
}
