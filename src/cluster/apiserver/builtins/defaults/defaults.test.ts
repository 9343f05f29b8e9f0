import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBuiltin } from './index.js';
import { imageTag, podQOSClass } from './pod.js';
import { admitPodServiceAccount, apiAccessVolume } from './service-account.js';
import type { KubeObject } from '../../../../api/meta/index.js';

const run = (group: string, kind: string, obj: KubeObject): KubeObject => {
  defaultBuiltin({ group, kind }, obj);
  return obj;
};

const podDefaults = {
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  securityContext: {},
  schedulerName: 'default-scheduler',
  enableServiceLinks: true,
};
const containerDefaults = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} };

test('a minimal pod gets the fields kubectl get -o yaml shows', () => {
  const pod = run('', 'Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }] } });
  assert.deepEqual(pod.spec, {
    ...podDefaults,
    serviceAccountName: 'default',
    serviceAccount: 'default',
    priority: 0,
    preemptionPolicy: 'PreemptLowerPriority',
    containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'Always', ports: [{ containerPort: 80, protocol: 'TCP' }], ...containerDefaults }],
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
  });
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  // Defaulting again (every later write does) keeps the class the pod has, as the status strategy keeps it.
  (pod.status as Record<string, unknown>).qosClass = 'Guaranteed';
  run('', 'Pod', pod);
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
});

test('pod defaults keep what the user set', () => {
  const pod = run('', 'Pod', {
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: 'sa',
      priorityClassName: 'high',
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }],
      containers: [{ name: 'c', image: 'reg:5000/img:v1', imagePullPolicy: 'Never' }],
    },
  });
  const spec = pod.spec as Record<string, unknown>;
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.serviceAccount, 'sa');
  assert.equal(spec.priority, undefined);
  assert.deepEqual((spec.tolerations as unknown[]).length, 2);
  assert.equal((spec.containers as { imagePullPolicy: string }[])[0]!.imagePullPolicy, 'Never');
});

test('image pull policy follows the tag', () => {
  const cases: [string, string][] = [
    ['busybox', 'latest'],
    ['busybox:latest', 'latest'],
    ['busybox:1.36', '1.36'],
    ['localhost:5000/busybox', 'latest'],
    ['localhost:5000/busybox:v2', 'v2'],
    ['busybox@sha256:abcd', ''],
    ['busybox:1.0@sha256:abcd', '1.0'],
  ];
  for (const [image, tag] of cases) assert.equal(imageTag(image), tag, image);
  const pod = run('', 'Pod', { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'x' }] } });
  assert.deepEqual((pod.spec as { containers: { imagePullPolicy: string }[] }).containers.map((c) => c.imagePullPolicy), ['IfNotPresent', 'Always']);
});

test('pod QoS class', () => {
  const c = (resources: unknown) => ({ containers: [{ name: 'c', resources }] });
  assert.equal(podQOSClass(c({})), 'BestEffort');
  assert.equal(podQOSClass(c({ requests: { cpu: '100m' } })), 'Burstable');
  assert.equal(podQOSClass(c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } })), 'Guaranteed');
  assert.equal(podQOSClass(c({ limits: { cpu: '1' } })), 'Burstable');
});

test('probes, volumes and host network ports are defaulted', () => {
  const pod = run('', 'Pod', {
    spec: {
      hostNetwork: true,
      containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { port: 8080 } } }],
      volumes: [{ name: 'cm', configMap: { name: 'x' } }, { name: 'h', hostPath: { path: '/tmp' } }],
    },
  });
  const spec = pod.spec as { containers: Record<string, unknown>[]; volumes: Record<string, unknown>[] };
  assert.deepEqual(spec.containers[0]!.ports, [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
  assert.deepEqual(spec.containers[0]!.readinessProbe, {
    httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.deepEqual(spec.volumes, [{ name: 'cm', configMap: { name: 'x', defaultMode: 420 } }, { name: 'h', hostPath: { path: '/tmp', type: '' } }]);
});

test('service defaults', () => {
  const svc = run('', 'Service', { spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } });
  assert.deepEqual(svc.spec, {
    selector: { app: 'a' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
    internalTrafficPolicy: 'Cluster',
  });
  const np = run('', 'Service', { spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] } });
  assert.equal((np.spec as Record<string, unknown>).externalTrafficPolicy, 'Cluster');
  assert.deepEqual((np.spec as { ports: unknown[] }).ports, [{ port: 80, targetPort: 'http', protocol: 'TCP' }]);
  const ext = run('', 'Service', { spec: { type: 'ExternalName', externalName: 'x.example' } });
  assert.equal((ext.spec as Record<string, unknown>).ipFamilyPolicy, undefined);
});

test('table of simple kind defaults', () => {
  const cases: [string, string, KubeObject, KubeObject][] = [
    ['', 'Secret', {}, { type: 'Opaque' }],
    ['', 'PersistentVolumeClaim', { spec: {} }, { spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    ['', 'PersistentVolume', { spec: {} }, { spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    [
      '',
      'Namespace',
      { metadata: { name: 'ns1' } },
      { metadata: { name: 'ns1', labels: { 'kubernetes.io/metadata.name': 'ns1' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    ],
    ['storage.k8s.io', 'StorageClass', { provisioner: 'p' }, { provisioner: 'p', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' }],
    ['scheduling.k8s.io', 'PriorityClass', { value: 1 }, { value: 1, preemptionPolicy: 'PreemptLowerPriority' }],
    ['', 'ConfigMap', { data: {} }, { data: {} }],
    ['', 'Node', { status: { capacity: { cpu: '2' } } }, { status: { capacity: { cpu: '2' }, allocatable: { cpu: '2' } } }],
    ['', 'Endpoints', { subsets: [{ ports: [{ port: 1 }] }] }, { subsets: [{ ports: [{ port: 1, protocol: 'TCP' }] }] }],
    ['discovery.k8s.io', 'EndpointSlice', { addressType: 'IPv4', ports: [{ port: 1 }] }, { addressType: 'IPv4', ports: [{ port: 1, protocol: 'TCP', name: '' }] }],
    [
      'apiextensions.k8s.io',
      'CustomResourceDefinition',
      { spec: { names: { kind: 'Foo', plural: 'foos' } } },
      { spec: { names: { kind: 'Foo', plural: 'foos', singular: 'foo', listKind: 'FooList' }, conversion: { strategy: 'None' } } },
    ],
  ];
  for (const [group, kind, input, want] of cases) assert.deepEqual(run(group, kind, input), want, kind);
});

test('webhook configuration defaults', () => {
  const hook = () => ({ name: 'w.example.com', clientConfig: { service: { name: 's', namespace: 'n' } }, rules: [{ operations: ['CREATE'] }] });
  const m = run('admissionregistration.k8s.io', 'MutatingWebhookConfiguration', { webhooks: [hook()] });
  assert.deepEqual(m.webhooks, [
    {
      name: 'w.example.com',
      clientConfig: { service: { name: 's', namespace: 'n', port: 443 } },
      rules: [{ operations: ['CREATE'], scope: '*' }],
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
    },
  ]);
  const v = run('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', { webhooks: [hook()] });
  assert.equal((v.webhooks as Record<string, unknown>[])[0]!.reinvocationPolicy, undefined);
});

test('workload defaults', () => {
  const template = () => ({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });
  const d = run('apps', 'Deployment', { spec: { selector: { matchLabels: { app: 'a' } }, template: template() } });
  const ds = d.spec as Record<string, unknown>;
  assert.equal(ds.replicas, 1);
  assert.deepEqual(ds.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(ds.revisionHistoryLimit, 10);
  assert.equal(ds.progressDeadlineSeconds, 600);
  const tspec = (ds.template as { spec: Record<string, unknown> }).spec;
  assert.equal(tspec.restartPolicy, 'Always');
  assert.equal(tspec.serviceAccountName, undefined, 'templates get no admission defaults');
  assert.equal(tspec.tolerations, undefined);

  const recreate = run('apps', 'Deployment', { spec: { strategy: { type: 'Recreate' }, template: template() } });
  assert.deepEqual((recreate.spec as Record<string, unknown>).strategy, { type: 'Recreate' });

  const dset = run('apps', 'DaemonSet', { spec: { template: template() } });
  assert.deepEqual((dset.spec as Record<string, unknown>).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });

  const sts = run('apps', 'StatefulSet', { spec: { template: template() } });
  const ss = sts.spec as Record<string, unknown>;
  assert.equal(ss.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(ss.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(ss.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });

  const job = run('batch', 'Job', { metadata: { name: 'j', uid: 'u1' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [] } } } });
  const js = job.spec as Record<string, unknown>;
  assert.deepEqual(
    [js.backoffLimit, js.completions, js.parallelism, js.completionMode, js.suspend],
    [6, 1, 1, 'NonIndexed', false],
  );
  assert.deepEqual(js.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } });
  assert.equal((js.template as { metadata: { labels: Record<string, string> } }).metadata.labels['job-name'], 'j');

  const par = run('batch', 'Job', { spec: { parallelism: 3, template: {} } });
  assert.equal((par.spec as Record<string, unknown>).completions, undefined);

  const cj = run('batch', 'CronJob', { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } });
  const cs = cj.spec as Record<string, unknown>;
  assert.deepEqual([cs.concurrencyPolicy, cs.suspend, cs.successfulJobsHistoryLimit, cs.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
  assert.equal((cs.jobTemplate as { spec: Record<string, unknown> }).spec.backoffLimit, 6);
});

test('service account admission mounts the API access volume', () => {
  const pod = {
    spec: { serviceAccountName: 'sa', initContainers: [{ name: 'i' }], containers: [{ name: 'c', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }] },
  };
  admitPodServiceAccount(pod, { suffix: 'abcde' });
  assert.deepEqual(pod.spec.volumes[1], apiAccessVolume('kube-api-access-abcde'));
  const mount = { name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  assert.deepEqual(pod.spec.containers[0]!.volumeMounts, [{ name: 'data', mountPath: '/data' }, mount]);
  assert.deepEqual((pod.spec.initContainers[0] as Record<string, unknown>).volumeMounts, [mount]);
  admitPodServiceAccount(pod);
  assert.equal(pod.spec.volumes.length, 2, 'idempotent');
  const off = { spec: { automountServiceAccountToken: false, containers: [{ name: 'c' }] } };
  admitPodServiceAccount(off);
  assert.equal((off.spec as Record<string, unknown>).volumes, undefined);
  const saOff = { spec: { containers: [{ name: 'c' }] } };
  admitPodServiceAccount(saOff, { serviceAccountAutomount: false });
  assert.equal((saOff.spec as Record<string, unknown>).volumes, undefined);
  const random = { spec: { containers: [{ name: 'c' }] } };
  admitPodServiceAccount(random);
  assert.match(String(((random.spec as Record<string, unknown>).volumes as { name: string }[])[0]!.name), /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});
