/**
 * Create-or-replace of the fixed set of kinds `kubevirt-ts up` installs (CRDs, RBAC, webhook
 * configurations, namespaces, service accounts, the demo VirtualMachine), so a restart on the
 * same data dir converges.
 */
import { StatusError, type KubeObject } from '../api/meta/index.js';
import type { KubeClient } from '../client/kube-client.js';

const PLURALS: Record<string, string> = {
  CustomResourceDefinition: 'customresourcedefinitions',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  ServiceAccount: 'serviceaccounts',
  Namespace: 'namespaces',
  MutatingWebhookConfiguration: 'mutatingwebhookconfigurations',
  ValidatingWebhookConfiguration: 'validatingwebhookconfigurations',
  APIService: 'apiservices',
  Service: 'services',
  Endpoints: 'endpoints',
  StorageClass: 'storageclasses',
  VirtualMachine: 'virtualmachines',
};

/** The collection path of an object of one of the kinds above. */
export function collectionPath(obj: KubeObject): string {
  const plural = PLURALS[obj.kind ?? ''];
  if (!plural || !obj.apiVersion) throw new Error(`cannot install kind ${obj.kind ?? '?'}`);
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  const ns = obj.metadata?.namespace;
  return ns ? `${base}/namespaces/${ns}/${plural}` : `${base}/${plural}`;
}

/** Creates the object, or replaces it (keeping its resourceVersion) when it exists. */
export async function createOrReplace(client: KubeClient, obj: KubeObject): Promise<void> {
  const coll = collectionPath(obj);
  try {
    await client.create(coll, obj);
  } catch (e) {
    if (!(e instanceof StatusError) || e.code !== 409) throw e;
    const path = `${coll}/${obj.metadata?.name ?? ''}`;
    const live = await client.get<KubeObject>(path);
    await client.replace(path, { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata?.resourceVersion } });
  }
}
