/**
 * The ServiceAccount admission plugin's pod mutation on create: the `kube-api-access-<random suffix>`
 * projected volume (token, cluster CA, namespace) mounted read-only at the well-known path in
 * every container, so in-cluster clients find their credentials.
 */
import { child, rec, recs, str, type Obj } from '../util.js';

/** Where in-cluster clients read token, ca.crt and namespace. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The ConfigMap every namespace gets with the cluster CA. */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** Token lifetime the plugin requests (an hour plus the kubelet's 7 s of jitter, as upstream). */
export const TOKEN_EXPIRATION_SECONDS = 3607;

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five random characters, as upstream's utilrand.String(5) (math/rand: not a secret, so no crypto source). */
function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return s;
}

/** The projected volume the plugin adds. */
export function apiAccessVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/**
 * Adds the API access volume and mounts to a new pod unless automounting is off (on the pod, or
 * on its ServiceAccount via `serviceAccountAutomount: false`) or a volume is already mounted there.
 * Call on create only, after defaultBuiltin (which sets serviceAccountName).
 */
export function admitPodServiceAccount(pod: Obj, opts: { serviceAccountAutomount?: boolean; suffix?: string } = {}): void {
  const spec = child(pod, 'spec');
  const automount = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : opts.serviceAccountAutomount !== false;
  if (!automount) return;
  const containers = [...recs(spec.initContainers), ...recs(spec.containers)];
  if (containers.some((c) => recs(c.volumeMounts).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
  if (recs(spec.volumes).some((v) => str(v.name)?.startsWith('kube-api-access-') && rec(v.projected))) return;
  const name = `kube-api-access-${opts.suffix ?? randomSuffix()}`;
  spec.volumes = [...recs(spec.volumes), apiAccessVolume(name)];
  for (const c of containers) c.volumeMounts = [...recs(c.volumeMounts), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
}
