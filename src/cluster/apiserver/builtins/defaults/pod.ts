/**
 * Pod and pod-template defaults: what SetDefaults_PodSpec/Container/Volume and the
 * ServiceAccount, Priority and DefaultTolerationSeconds admission plugins add on create.
 */
import { child, rec, recs, setDefault, str, type Obj } from '../util.js';
import { parseQuantity } from '../quantity.js';

/** The tag ParseImageName finds: "latest" when neither a tag nor a digest is given. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon >= 0) return last.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  const http = rec(p.httpGet);
  if (http) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  const image = str(c.image);
  if (image !== undefined) setDefault(c, 'imagePullPolicy', imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent');
  setDefault(c, 'resources', {});
  for (const p of recs(c.ports)) {
    setDefault(p, 'protocol', 'TCP');
    if (hostNetwork && p.containerPort !== undefined) setDefault(p, 'hostPort', p.containerPort);
  }
  for (const e of recs(c.env)) {
    const fieldRef = rec(rec(e.valueFrom)?.fieldRef);
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(rec(c.livenessProbe));
  defaultProbe(rec(c.readinessProbe));
  defaultProbe(rec(c.startupProbe));
}

function defaultVolume(v: Obj): void {
  for (const key of ['configMap', 'secret', 'projected', 'downwardAPI']) {
    const src = rec(v[key]);
    if (src) setDefault(src, 'defaultMode', 0o644);
  }
  const hostPath = rec(v.hostPath);
  if (hostPath) setDefault(hostPath, 'type', '');
  for (const item of recs(rec(v.downwardAPI)?.items)) {
    const fieldRef = rec(item.fieldRef);
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
}

/** Defaults of a PodSpec, in place (pods and every pod template). */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.serviceAccountName !== undefined) setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  const hostNetwork = spec.hostNetwork === true;
  for (const c of [...recs(spec.initContainers), ...recs(spec.containers), ...recs(spec.ephemeralContainers)]) defaultContainer(c, hostNetwork);
  for (const v of recs(spec.volumes)) defaultVolume(v);
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

function addDefaultTolerations(spec: Obj): void {
  const tolerations = recs(spec.tolerations);
  const tolerates = (key: string): boolean =>
    tolerations.some((t) => (t.key === key || (t.key === undefined && t.operator === 'Exists')) && (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute'));
  const added = [NOT_READY, UNREACHABLE]
    .filter((key) => !tolerates(key))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }));
  if (added.length > 0) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...added];
}

/** Pod QoS class as the kubelet and API server compute it (requests/limits of all containers). */
export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...recs(spec.initContainers), ...recs(spec.containers)];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const res = rec(c.resources) ?? {};
    const req = rec(res.requests) ?? {};
    const lim = rec(res.limits) ?? {};
    for (const name of ['cpu', 'memory']) {
      const r = parseQuantity(req[name]);
      const l = parseQuantity(lim[name]);
      if ((r ?? 0) > 0 || (l ?? 0) > 0) any = true;
      if (l === undefined || l === 0 || (r !== undefined && r !== l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Defaults of a Pod on create: spec defaults plus what admission adds (service account, priority, tolerations). */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  setDefault(spec, 'serviceAccountName', 'default');
  defaultPodSpec(spec);
  if (spec.priorityClassName === undefined) setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  addDefaultTolerations(spec);
  const status = child(pod, 'status');
  setDefault(status, 'phase', 'Pending');
  // Computed only when missing: every status write defaults the pod again.
  if (status.qosClass === undefined || status.qosClass === null) status.qosClass = podQOSClass(spec);
}

/** Defaults of a PodTemplateSpec (Deployment, ReplicaSet, DaemonSet, StatefulSet, Job templates). */
export function defaultPodTemplate(template: Obj | undefined): void {
  if (!template) return;
  defaultPodSpec(child(template, 'spec'));
}
