/**
 * Kubeconfig files for clients of the embedded API server: one cluster (server URL + CA), one
 * user (client certificate or bearer token), one context.
 */
import { stringify } from 'yaml';

/** How the kubeconfig's user authenticates. */
export type KubeconfigCredentials = { readonly certPem: string; readonly keyPem: string } | { readonly token: string };

/** Options for a kubeconfig. */
export interface KubeconfigOptions {
  readonly server: string;
  readonly caPem: string;
  readonly credentials: KubeconfigCredentials;
  readonly userName?: string;
  readonly clusterName?: string;
  readonly namespace?: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Renders a kubeconfig as YAML. */
export function renderKubeconfig(o: KubeconfigOptions): string {
  const cluster = o.clusterName ?? 'kubevirt-ts';
  const user = o.userName ?? 'admin';
  const creds =
    'token' in o.credentials
      ? { token: o.credentials.token }
      : { 'client-certificate-data': b64(o.credentials.certPem), 'client-key-data': b64(o.credentials.keyPem) };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: user, user: creds }],
    contexts: [{ name: cluster, context: { cluster, user, namespace: o.namespace ?? 'default' } }],
    'current-context': cluster,
    preferences: {},
  });
}
