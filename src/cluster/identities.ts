/**
 * Client identities for the components `up` runs: each gets its own certificate, signed by the
 * cluster CA, naming the component's ServiceAccount, so RBAC grants it only its own role.
 */
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
