import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type KubeObject } from '../../../../api/meta/index.js';
import { findBuiltinByKind } from '../catalogue.js';
import { defaultBuiltin } from '../defaults/index.js';
import { validateBuiltin } from './index.js';
import { validateObjectMeta } from './meta.js';

const info = (group: string, kind: string) => {
  const i = findBuiltinByKind(group, 'v1', kind);
  assert.ok(i, kind);
  return i;
};

/** Validates (after defaulting, as the server does) and renders the errors as kubectl prints them. */
function check(group: string, kind: string, obj: KubeObject, old?: KubeObject): string[] {
  const i = info(group, kind);
  defaultBuiltin(i, obj);
  if (old) defaultBuiltin(i, old);
  return validateBuiltin(i, obj, old).map(fieldErrorMessage);
}

const meta = (name = 'x', namespace: string | null = 'default') => ({ name, ...(namespace !== null ? { namespace } : {}) });
const pod = (spec: Record<string, unknown>, name = 'p'): KubeObject => ({ metadata: meta(name), spec });
const ctr = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'busybox:1', ...extra });

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('object metadata', () => {
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    ['', 'Pod', { namespace: 'default' }, ['metadata.name: Required value: name or generateName is required']],
    ['', 'Pod', { generateName: 'web-', namespace: 'default' }, []],
    ['', 'Pod', { name: 'Bad_Name', namespace: 'default' }, [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`]],
    ['', 'Pod', { name: 'a' }, ['metadata.namespace: Required value']],
    ['', 'Node', { name: 'n', namespace: 'x' }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['', 'Namespace', { name: 'a.b' }, [`metadata.name: Invalid value: "a.b": ${LABEL_MSG}`]],
    [
      '',
      'Service',
      { name: '1svc', namespace: 'default' },
      [
        `metadata.name: Invalid value: "1svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      ],
    ],
    ['rbac.authorization.k8s.io', 'ClusterRole', { name: 'system:Weird Name' }, []],
    ['rbac.authorization.k8s.io', 'ClusterRole', { name: 'a/b' }, ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]],
    ['', 'ConfigMap', { name: 'a'.repeat(254), namespace: 'd' }, [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`]],
    [
      '',
      'ConfigMap',
      { name: 'c', namespace: 'd', labels: { 'a/b/c': 'x', ok: 'bad value' } },
      [
        "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    ['', 'ConfigMap', { name: 'c', namespace: 'd', annotations: { big: 'x'.repeat(262145) } }, ['metadata.annotations: Too long: must have at most 262144 bytes']],
    ['', 'ConfigMap', { name: 'c', namespace: 'd', finalizers: ['foo'] }, ['metadata.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified']],
    [
      '',
      'ConfigMap',
      { name: 'c', namespace: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '' }] },
      ['metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'],
    ],
  ];
  for (const [group, kind, m, want] of cases) assert.deepEqual(check(group, kind, { metadata: m, data: {} }).filter((e) => e.startsWith('metadata.')), want, `${kind} ${JSON.stringify(m).slice(0, 60)}`);
});

test('immutable metadata on update', () => {
  const i = info('', 'ConfigMap');
  const old = { name: 'a', namespace: 'd', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' };
  assert.deepEqual(validateObjectMeta(i, { ...old, uid: 'u2' }, old).map(fieldErrorMessage), ['metadata.uid: Invalid value: "u2": field is immutable']);
  assert.deepEqual(validateObjectMeta(i, { name: 'a', namespace: 'd' }, old), [], 'missing uid/creationTimestamp are taken from the old object');
  assert.deepEqual(validateObjectMeta(i, { ...old, name: 'b' }, old).map(fieldErrorMessage), ['metadata.name: Invalid value: "b": field is immutable']);
});

test('pod validation', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['valid', { containers: [ctr()] }, []],
    ['no containers', { containers: [] }, ['spec.containers: Required value']],
    ['no image', { containers: [{ name: 'c' }] }, ['spec.containers[0].image: Required value']],
    [
      'duplicate names across init and regular',
      { initContainers: [ctr()], containers: [ctr()] },
      ['spec.containers[0].name: Duplicate value: "c"'],
    ],
    ['bad container name', { containers: [ctr({ name: 'C' })] }, [`spec.containers[0].name: Invalid value: "C": ${LABEL_MSG}`]],
    [
      'bad port',
      { containers: [ctr({ ports: [{ containerPort: 70000, name: 'http--x' }] })] },
      ['spec.containers[0].ports[0].name: Invalid value: "http--x": must not contain consecutive hyphens', 'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ],
    [
      'bad env name',
      { containers: [ctr({ env: [{ name: '1A', value: 'x' }] })] },
      [
        "spec.containers[0].env[0].name: Invalid value: \"1A\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      ],
    ],
    ['mount of unknown volume', { containers: [ctr({ volumeMounts: [{ name: 'v', mountPath: '/v' }] })] }, ['spec.containers[0].volumeMounts[0].name: Not found: "v"']],
    [
      'volumes: duplicate, no source, two sources',
      {
        containers: [ctr()],
        volumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }, { name: 'b' }, { name: 'c', emptyDir: {}, hostPath: { path: '/x' } }],
      },
      ['spec.volumes[1].name: Duplicate value: "a"', 'spec.volumes[2]: Required value: must specify a volume type', 'spec.volumes[3].emptyDir: Forbidden: may not specify more than 1 volume type'],
    ],
    ['restartPolicy', { restartPolicy: 'Sometimes', containers: [ctr()] }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    [
      'requests above limits',
      { containers: [ctr({ resources: { requests: { cpu: '2' }, limits: { cpu: '1500m' } } })] },
      ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1500m'],
    ],
    [
      'probes need exactly one handler',
      { containers: [ctr({ livenessProbe: {}, readinessProbe: { exec: { command: ['true'] }, httpGet: { port: 80 } }, startupProbe: { tcpSocket: { port: 0 } } })] },
      [
        'spec.containers[0].livenessProbe: Required value: must specify a handler type',
        'spec.containers[0].readinessProbe.httpGet: Forbidden: may not specify more than 1 handler type',
        'spec.containers[0].startupProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      'bad quantity',
      { containers: [ctr({ resources: { limits: { memory: '1GB' } } })] },
      ["spec.containers[0].resources.limits[memory]: Invalid value: \"1GB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ],
  ];
  for (const [name, spec, want] of cases) assert.deepEqual(check('', 'Pod', pod(spec)), want, name);
});

test('pod updates change only what Kubernetes allows', () => {
  const base = () => pod({ containers: [ctr()], activeDeadlineSeconds: 100 });
  const forbiddenMsg = (errs: string[]) => errs.some((e) => e.startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`'));
  assert.deepEqual(check('', 'Pod', pod({ containers: [ctr({ image: 'busybox:2' })], activeDeadlineSeconds: 50 }), base()), []);
  const added = pod({ containers: [ctr()], activeDeadlineSeconds: 100, tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.deepEqual(check('', 'Pod', added, base()), []);
  assert.ok(forbiddenMsg(check('', 'Pod', pod({ containers: [ctr({ ports: [{ containerPort: 80 }] })], activeDeadlineSeconds: 100 }), base())));
  assert.ok(forbiddenMsg(check('', 'Pod', pod({ containers: [ctr()], activeDeadlineSeconds: 100, restartPolicy: 'Never' }), base())));
  assert.deepEqual(check('', 'Pod', pod({ containers: [ctr()], activeDeadlineSeconds: 200 }), base()), [
    'spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value',
  ]);
  const removed = check('', 'Pod', pod({ containers: [ctr()], activeDeadlineSeconds: 100, tolerations: [] }), added);
  assert.ok(removed.includes('spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'));
  const neg = pod({ containers: [ctr()], terminationGracePeriodSeconds: -1 });
  assert.deepEqual(check('', 'Pod', pod({ containers: [ctr()], terminationGracePeriodSeconds: 1 }), neg), []);
});

test('a pod update that keeps the spec (a status update) checks no spec rules; a changed spec is checked in full', () => {
  const withStatus = (o: KubeObject, status: Record<string, unknown>): KubeObject => ({ ...structuredClone(o), status });
  const live = pod({ containers: [ctr()], activeDeadlineSeconds: 100 });
  assert.deepEqual(check('', 'Pod', withStatus(live, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }), live), []);
  // Changing the spec as well brings back both the spec rules and the update rules.
  const bad = withStatus(pod({ containers: [ctr({ name: 'Bad_Name' })], activeDeadlineSeconds: 100 }), { phase: 'Running' });
  const errs = check('', 'Pod', bad, live);
  assert.ok(errs.some((e) => e.startsWith('spec.containers[0].name: Invalid value: "Bad_Name"')), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('spec: Forbidden: pod updates may not change fields other than')), errs.join('\n'));
});

test('service validation', () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: meta('web'), spec });
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['valid', { selector: { app: 'a' }, ports: [{ port: 80 }] }, []],
    ['no ports', { selector: { app: 'a' } }, ['spec.ports: Required value']],
    ['headless without ports', { clusterIP: 'None' }, []],
    ['two unnamed ports', { ports: [{ port: 80, name: 'a' }, { port: 81 }] }, ['spec.ports[1].name: Required value']],
    ['bad type', { type: 'Magic', ports: [{ port: 1 }] }, ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['bad port', { ports: [{ port: 0, targetPort: 8080 }] }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['bad selector', { ports: [{ port: 1 }], selector: { app: 'a b' } }, [
      "spec.selector: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]],
    ['external name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
  ];
  for (const [name, spec, want] of cases) assert.deepEqual(check('', 'Service', svc(spec)), want, name);
  assert.deepEqual(check('', 'Service', svc({ clusterIP: '10.0.0.2', ports: [{ port: 1 }] }), svc({ clusterIP: '10.0.0.1', ports: [{ port: 1 }] })), [
    'spec.clusterIP: Invalid value: "10.0.0.2": field is immutable',
  ]);
});

test('configmaps and secrets', () => {
  const cm = (o: Record<string, unknown>): KubeObject => ({ metadata: meta('c'), ...o });
  assert.deepEqual(check('', 'ConfigMap', cm({ data: { 'ok.key': 'v', 'bad key': 'v' } })), [
    "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.deepEqual(check('', 'ConfigMap', cm({ data: { '..a': 'v' } })), ["data[..a]: Invalid value: \"..a\": must not start with '..'"]);
  assert.deepEqual(check('', 'ConfigMap', cm({ data: { k: 'v' }, binaryData: { k: 'dg==' } })), ['data[k]: Invalid value: "k": duplicate of key present in binaryData']);
  assert.deepEqual(check('', 'ConfigMap', cm({ data: { k: 'x'.repeat(1024 * 1024 + 1) } })), [': Too long: must have at most 1048576 bytes']);
  assert.deepEqual(check('', 'ConfigMap', cm({ immutable: true, data: { k: 'w' } }), cm({ immutable: true, data: { k: 'v' } })), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(check('', 'Secret', cm({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } })), ['data[tls.key]: Required value']);
  assert.deepEqual(check('', 'Secret', cm({ type: 'Opaque' }), cm({})), []);
  assert.deepEqual(check('', 'Secret', cm({ type: 'x/y' }), cm({})), ['type: Invalid value: "x/y": field is immutable']);
});

test('persistent volume claims and volumes', () => {
  const pvc = (spec: Record<string, unknown>): KubeObject => ({ metadata: meta('data'), spec });
  const good = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  assert.deepEqual(check('', 'PersistentVolumeClaim', pvc(good)), []);
  assert.deepEqual(check('', 'PersistentVolumeClaim', pvc({})), ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']);
  assert.deepEqual(check('', 'PersistentVolumeClaim', pvc({ ...good, resources: { requests: { storage: '2Gi' } }, volumeName: 'pv1' }), pvc(good)), []);
  assert.deepEqual(check('', 'PersistentVolumeClaim', pvc({ ...good, resources: { requests: { storage: '512Mi' } } }), pvc(good)), [
    'spec.resources.requests.storage: Forbidden: field can not be less than previous value',
  ]);
  assert.deepEqual(check('', 'PersistentVolumeClaim', pvc({ ...good, accessModes: ['ReadWriteMany'] }), pvc(good)), [
    'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
  ]);
  const pv = (spec: Record<string, unknown>): KubeObject => ({ metadata: meta('pv1', null), spec });
  assert.deepEqual(check('', 'PersistentVolume', pv({ accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/d' } })), []);
  assert.deepEqual(check('', 'PersistentVolume', pv({})), ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.capacity: Required value', 'spec: Required value: must specify a volume type']);
});

test('storage classes', () => {
  const sc = (o: Record<string, unknown>): KubeObject => ({ metadata: meta('fast', null), ...o });
  assert.deepEqual(check('storage.k8s.io', 'StorageClass', sc({})), ['provisioner: Required value']);
  assert.deepEqual(check('storage.k8s.io', 'StorageClass', sc({ provisioner: 'p', parameters: { a: '2' } }), sc({ provisioner: 'p', parameters: { a: '1' } })), [
    'parameters: Forbidden: updates to parameters are forbidden.',
  ]);
  assert.deepEqual(check('storage.k8s.io', 'StorageClass', sc({ provisioner: 'p', reclaimPolicy: 'Retain' }), sc({ provisioner: 'p' })), [
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
  ]);
});

test('rbac', () => {
  const G = 'rbac.authorization.k8s.io';
  const role = (rules: unknown[]): KubeObject => ({ metadata: meta('r'), rules });
  assert.deepEqual(check(G, 'Role', role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])), []);
  assert.deepEqual(check(G, 'Role', role([{ apiGroups: [''], resources: ['pods'] }])), ['rules[0].verbs: Required value: verbs must contain at least one value']);
  assert.deepEqual(check(G, 'Role', role([{ nonResourceURLs: ['/x'], verbs: ['get'] }])), ['rules[0].nonResourceURLs: Invalid value: ["/x"]: namespaced rules cannot apply to non-resource URLs']);
  const binding = (roleRef: unknown, subjects: unknown[] = []): KubeObject => ({ metadata: meta('b'), roleRef, subjects });
  const ref = { apiGroup: G, kind: 'Role', name: 'r' };
  assert.deepEqual(check(G, 'RoleBinding', binding(ref, [{ kind: 'ServiceAccount', name: 'sa' }, { kind: 'User', name: 'u', apiGroup: G }])), []);
  assert.deepEqual(check(G, 'RoleBinding', binding({ ...ref, kind: 'Pod' }, [{ kind: 'Robot', name: 'x' }])), [
    'roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole"',
    'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
  ]);
  assert.deepEqual(check(G, 'RoleBinding', binding({ ...ref, name: 'other' }), binding(ref)), [
    'roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"other"}: cannot change roleRef',
  ]);
  assert.deepEqual(check(G, 'ClusterRoleBinding', { metadata: meta('b', null), roleRef: { ...ref, kind: 'ClusterRole' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }), [
    'subjects[0].namespace: Required value',
  ]);
});

test('webhook configurations and apiservices', () => {
  const G = 'admissionregistration.k8s.io';
  const hook = (o: Record<string, unknown> = {}) => ({
    name: 'v.kubevirt.io',
    clientConfig: { service: { name: 's', namespace: 'n' } },
    rules: [{ operations: ['CREATE'], apiGroups: ['kubevirt.io'], apiVersions: ['v1'], resources: ['*'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...o,
  });
  const cfg = (webhooks: unknown[]): KubeObject => ({ metadata: meta('cfg', null), webhooks });
  assert.deepEqual(check(G, 'ValidatingWebhookConfiguration', cfg([hook()])), []);
  assert.deepEqual(
    check(G, 'MutatingWebhookConfiguration', cfg([hook({ name: 'short.io', sideEffects: undefined, admissionReviewVersions: [], clientConfig: {} }), hook(), hook()])),
    [
      'webhooks[0].name: Invalid value: "short.io": should be a domain with at least three segments separated by dots',
      'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
      'webhooks[0].clientConfig: Required value: exactly one of url or service is required',
      'webhooks[2].name: Duplicate value: "v.kubevirt.io"',
    ],
  );
  assert.deepEqual(check(G, 'ValidatingWebhookConfiguration', cfg([hook({ clientConfig: { url: 'http://x/y' }, timeoutSeconds: 31 })])), [
    'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
    'webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme',
  ]);
  const apisvc = (name: string, spec: Record<string, unknown>): KubeObject => ({ metadata: meta(name, null), spec });
  const spec = { group: 'subresources.kubevirt.io', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, service: { name: 'virt-api', namespace: 'kubevirt' } };
  assert.deepEqual(check('apiregistration.k8s.io', 'APIService', apisvc('v1.subresources.kubevirt.io', spec)), []);
  assert.deepEqual(check('apiregistration.k8s.io', 'APIService', apisvc('wrong', spec)), [
    'metadata.name: Invalid value: "wrong": must be `spec.version+"."+spec.group`: "v1.subresources.kubevirt.io"',
  ]);
});

test('workloads', () => {
  const template = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: { containers: [ctr()], ...spec } });
  const deploy = (spec: Record<string, unknown>): KubeObject => ({ metadata: meta('d'), spec });
  const sel = { matchLabels: { app: 'a' } };
  assert.deepEqual(check('apps', 'Deployment', deploy({ selector: sel, template: template({ app: 'a' }) })), []);
  assert.deepEqual(check('apps', 'Deployment', deploy({ template: template({ app: 'a' }) })), ['spec.selector: Required value']);
  assert.deepEqual(check('apps', 'Deployment', deploy({ selector: sel, template: template({ app: 'b' }) })), [
    'spec.template.metadata.labels: Invalid value: {"app":"b"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(check('apps', 'Deployment', deploy({ selector: sel, template: template({ app: 'a' }, { restartPolicy: 'Never' }) })), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
  assert.deepEqual(
    check('apps', 'Deployment', deploy({ selector: { matchLabels: { app: 'a', v: '2' } }, template: template({ app: 'a', v: '2' }) }), deploy({ selector: sel, template: template({ app: 'a' }) })),
    ['spec.selector: Invalid value: {"matchLabels":{"app":"a","v":"2"}}: field is immutable'],
  );
  assert.deepEqual(check('apps', 'Deployment', deploy({ replicas: -1, selector: sel, template: template({ app: 'a' }) })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(check('apps', 'DaemonSet', { metadata: meta('ds'), spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] }, template: template({ app: 'a' }) } }), []);
  const job = (spec: Record<string, unknown>): KubeObject => ({ metadata: { ...meta('j'), uid: 'u1' }, spec });
  assert.deepEqual(check('batch', 'Job', job({ template: template({}, { restartPolicy: 'Never' }) })), []);
  assert.deepEqual(check('batch', 'Job', job({ template: template({}) })), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  assert.deepEqual(check('batch', 'CronJob', { metadata: meta('cj'), spec: { schedule: '* * *', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } } } }), [
    'spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]',
  ]);
  assert.deepEqual(check('policy', 'PodDisruptionBudget', { metadata: meta('pdb'), spec: { minAvailable: 1, maxUnavailable: '150%' } }), [
    'spec: Invalid value: {"minAvailable":1,"maxUnavailable":"150%"}: minAvailable and maxUnavailable cannot be both set',
    'spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
  ]);
});

test('events, leases, priority classes', () => {
  assert.deepEqual(check('', 'Event', { metadata: meta('e', 'ns1'), involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns2' } }), [
    'involvedObject.namespace: Invalid value: "ns2": does not match event.namespace',
  ]);
  assert.deepEqual(check('', 'Event', { metadata: meta('e', 'default'), involvedObject: { kind: 'Node', name: 'n' } }), []);
  assert.deepEqual(check('coordination.k8s.io', 'Lease', { metadata: meta('l'), spec: { leaseDurationSeconds: 0 } }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(check('scheduling.k8s.io', 'PriorityClass', { metadata: meta('high', null), value: 2_000_000_000 }), [
    'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
  ]);
  assert.deepEqual(check('scheduling.k8s.io', 'PriorityClass', { metadata: meta('high', null), value: 2 }, { metadata: meta('high', null), value: 1 }), [
    'value: Forbidden: may not be changed in an update.',
  ]);
});

test('review kinds skip metadata validation', () => {
  assert.deepEqual(check('authorization.k8s.io', 'SelfSubjectAccessReview', { spec: {} }), []);
});
