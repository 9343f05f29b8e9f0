import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import { createCa, issueServerCert } from '../../pki/index.js';
import type { ResourceInfo } from '../contracts.js';
import { WebhookDispatcher } from './dispatcher.js';
import type { AdmissionAttributes, Webhook } from './types.js';

// A real HTTPS webhook on 127.0.0.1 serving as Service hook.ns1.svc, behaviour chosen by path.
const pods: ResourceInfo = {
  group: '', version: 'v1', kind: 'Pod', listKind: 'PodList', plural: 'pods', singular: 'pod', namespaced: true,
  shortNames: [], categories: [], verbs: [], subresources: ['status'],
};
interface Received {
  path: string;
  review: { request: Record<string, unknown> };
}
const received: Received[] = [];
let server: Server;
let port = 0;
let caBundle = '';
let otherCaBundle = '';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const patchOf = (ops: unknown[]) => b64(JSON.stringify(ops));

function answer(path: string, req: Record<string, unknown>): Record<string, unknown> | undefined {
  const uid = req.uid as string;
  switch (path) {
    case '/allow':
      return { uid, allowed: true };
    case '/warn':
      return { uid, allowed: true, warnings: ['spec.running is deprecated'] };
    case '/label-a':
      return { uid, allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: '/metadata/labels', value: { a: 'set' } }]) };
    case '/label-b':
      // Relies on label-a having run first (configuration "a-..." sorts before "b-...").
      return { uid, allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: '/metadata/labels/b', value: 'set' }]) };
    case '/count-labels': {
      // Records how many labels it saw, to show whether it ran again after a later patch.
      const labels = ((req.object as KubeObject).metadata?.labels ?? {});
      return { uid, allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: '/metadata/annotations', value: { seen: String(Object.keys(labels).length) } }]) };
    }
    case '/deny':
      return {
        uid,
        allowed: false,
        status: {
          code: 422,
          reason: 'Invalid',
          message: 'spec.containers[0].image: Required value',
          details: { causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }] },
        },
      };
    case '/deny-bare':
      return { uid, allowed: false };
    case '/bad-uid':
      return { uid: 'not-the-uid', allowed: true };
    case '/slow':
      return undefined; // never answers
    default:
      return { uid, allowed: false, status: { message: `unexpected path ${path}` } };
  }
}

before(async () => {
  const ca = await createCa('webhook-ca');
  const other = await createCa('other-ca');
  const cert = await issueServerCert(ca, { dnsNames: ['hook.ns1.svc'] });
  caBundle = b64(ca.certPem);
  otherCaBundle = b64(other.certPem);
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString()) as Received['review'];
      const path = (req.url ?? '').split('?')[0] ?? '';
      received.push({ path: req.url ?? '', review });
      const response = answer(path, review.request);
      if (!response) return; // /slow: leave the request hanging until the client gives up
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];
function hook(name: string, path: string, over: Partial<Webhook> = {}): Webhook {
  return {
    name,
    clientConfig: { service: { namespace: 'ns1', name: 'hook', path }, caBundle },
    rules,
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...over,
  };
}
const config = (kind: string, name: string, webhooks: Webhook[]): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind,
  metadata: { name },
  webhooks,
});

function dispatcher(mutating: KubeObject[], validating: KubeObject[]): WebhookDispatcher {
  return new WebhookDispatcher({
    mutatingConfigurations: () => mutating,
    validatingConfigurations: () => validating,
    namespaceLabels: (ns) => (ns === 'ns1' ? { team: 'a' } : undefined),
    resolveService: async (ns, name, p) => {
      if (ns === 'ns1' && name === 'hook' && p === 443) return { host: '127.0.0.1', port };
      throw new Error(`service "${name}" not found`);
    },
  });
}

const pod = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1' }, spec: { containers: [{ name: 'c' }] } });
const user = { name: 'alice', groups: ['system:authenticated'] };
const create = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  resource: pods,
  namespace: 'ns1',
  name: 'p1',
  object: pod(),
  user,
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err;
  }
  return assert.fail('expected the request to be rejected');
}

test('mutating webhooks run in configuration-name order and their patches accumulate', async () => {
  received.length = 0;
  const d = dispatcher(
    [config('MutatingWebhookConfiguration', 'b-config', [hook('b.example.com', '/label-b')]), config('MutatingWebhookConfiguration', 'a-config', [hook('a.example.com', '/label-a')])],
    [],
  );
  try {
    const out = await d.mutate(create());
    assert.deepEqual(out?.metadata?.labels, { a: 'set', b: 'set' });
    assert.deepEqual(received.map((r) => r.path), ['/label-a?timeout=10s', '/label-b?timeout=10s']);
    const req = received[0]!.review.request;
    assert.equal(req.operation, 'CREATE');
    assert.deepEqual(req.kind, { group: '', version: 'v1', kind: 'Pod' });
    assert.deepEqual(req.resource, { group: '', version: 'v1', resource: 'pods' });
    assert.deepEqual(req.userInfo, { username: 'alice', groups: ['system:authenticated'] });
    assert.equal(req.namespace, 'ns1');
    assert.deepEqual(received[1]!.review.request.object, { ...pod(), metadata: { name: 'p1', namespace: 'ns1', labels: { a: 'set' } } });
  } finally {
    d.close();
  }
});

test('validating webhooks see the object as the caller left it after mutation, and the unchanged object as mutating ones did', async () => {
  received.length = 0;
  const d = dispatcher(
    [config('MutatingWebhookConfiguration', 'a-config', [hook('a.example.com', '/label-a'), hook('allow.example.com', '/allow')])],
    [config('ValidatingWebhookConfiguration', 'v', [hook('allow.example.com', '/allow')])],
  );
  const plain = dispatcher([config('MutatingWebhookConfiguration', 'm', [hook('allow.example.com', '/allow')])], [config('ValidatingWebhookConfiguration', 'v', [hook('allow.example.com', '/allow')])]);
  try {
    // The patched object went to the second mutating webhook; the caller then defaults it in place.
    const attrs = create();
    const out = (await d.mutate(attrs))!;
    assert.notEqual(out, attrs.object);
    (out.metadata!.labels as Record<string, string>).defaulted = 'yes';
    await d.validate({ ...attrs, object: out });
    assert.deepEqual(received.map((r) => (r.review.request.object as KubeObject).metadata?.labels), [undefined, { a: 'set' }, { a: 'set', defaulted: 'yes' }]);
    // Unchanged by mutation: the same object (and old object) reach every webhook.
    received.length = 0;
    const update = create({ operation: 'UPDATE', oldObject: { ...pod(), metadata: { name: 'p1', namespace: 'ns1', resourceVersion: '3' } } });
    assert.equal(await plain.mutate(update), update.object);
    await plain.validate(update);
    assert.equal(received.length, 2);
    for (const r of received) assert.deepEqual([r.review.request.object, r.review.request.oldObject], [update.object, update.oldObject]);
    // A changed object handed to admission again is sent as it is now.
    (update.object!.metadata as Record<string, unknown>).labels = { later: 'x' };
    await plain.validate(update);
    assert.deepEqual((received[2]!.review.request.object as KubeObject).metadata?.labels, { later: 'x' });
  } finally {
    d.close();
    plain.close();
  }
});

test('validating webhooks: allow, deny with the webhook status, warnings, non-matching rules skipped', async () => {
  received.length = 0;
  const warnings: string[] = [];
  const allowAndWarn = dispatcher([], [config('ValidatingWebhookConfiguration', 'v', [hook('allow.example.com', '/allow'), hook('warn.example.com', '/warn'), hook('skip.example.com', '/deny', { rules: [{ ...rules[0]!, resources: ['services'] }] })])]);
  const denying = dispatcher([], [config('ValidatingWebhookConfiguration', 'v', [hook('deny.example.com', '/deny')])]);
  const bare = dispatcher([], [config('ValidatingWebhookConfiguration', 'v', [hook('bare.example.com', '/deny-bare')])]);
  try {
    await allowAndWarn.validate(create({ warn: (w) => warnings.push(w) }));
    assert.deepEqual(warnings, ['spec.running is deprecated']);
    assert.deepEqual(received.map((r) => r.path).sort(), ['/allow?timeout=10s', '/warn?timeout=10s']);
    const denied = await rejection(denying.validate(create()));
    assert.equal(denied.code, 422);
    assert.equal(denied.reason, 'Invalid');
    assert.equal(denied.message, 'admission webhook "deny.example.com" denied the request: spec.containers[0].image: Required value');
    assert.deepEqual(denied.toStatus().details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
    const bareErr = await rejection(bare.validate(create()));
    assert.deepEqual([bareErr.code, bareErr.message], [400, 'admission webhook "bare.example.com" denied the request without explanation']);
  } finally {
    for (const d of [allowAndWarn, denying, bare]) d.close();
  }
});

test('failurePolicy decides what a failed call does: timeouts, wrong CA, bad uid, missing service', async () => {
  const cases: { name: string; webhook: Webhook; want: string }[] = [
    {
      name: 'timeout',
      webhook: hook('slow.example.com', '/slow', { timeoutSeconds: 1 }),
      want: `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "https://hook.ns1.svc:443/slow?timeout=1s": context deadline exceeded`,
    },
    {
      name: 'untrusted certificate',
      webhook: hook('tls.example.com', '/allow', { clientConfig: { service: { namespace: 'ns1', name: 'hook', path: '/allow' }, caBundle: otherCaBundle } }),
      want: 'Internal error occurred: failed calling webhook "tls.example.com": failed to call webhook: Post "https://hook.ns1.svc:443/allow?timeout=10s":',
    },
    {
      name: 'uid mismatch',
      webhook: hook('uid.example.com', '/bad-uid'),
      want: 'Internal error occurred: failed calling webhook "uid.example.com": received invalid webhook response: expected response.uid=',
    },
    {
      name: 'missing service',
      webhook: hook('gone.example.com', '/allow', { clientConfig: { service: { namespace: 'ns1', name: 'gone' }, caBundle } }),
      want: 'Internal error occurred: failed calling webhook "gone.example.com": failed to call webhook: Post "https://gone.ns1.svc:443/?timeout=10s": service "gone" not found',
    },
  ];
  for (const c of cases) {
    const failing = dispatcher([], [config('ValidatingWebhookConfiguration', 'v', [{ ...c.webhook, failurePolicy: 'Fail' }])]);
    const ignoring = dispatcher([config('MutatingWebhookConfiguration', 'm', [{ ...c.webhook, failurePolicy: 'Ignore' }])], []);
    try {
      const err = await rejection(failing.validate(create()));
      assert.equal(err.code, 500, c.name);
      assert.ok(err.message.startsWith(c.want), `${c.name}: ${err.message}`);
      assert.deepEqual(await ignoring.mutate(create()), pod(), c.name);
    } finally {
      failing.close();
      ignoring.close();
    }
  }
});

test('dry run: webhooks with side effects reject it, side-effect-free ones see dryRun true', async () => {
  received.length = 0;
  const some = dispatcher([], [config('ValidatingWebhookConfiguration', 'v', [hook('effects.example.com', '/allow', { sideEffects: 'Unknown' })])]);
  const none = dispatcher([], [config('ValidatingWebhookConfiguration', 'v', [hook('pure.example.com', '/allow', { sideEffects: 'NoneOnDryRun' })])]);
  try {
    const err = await rejection(some.validate(create({ dryRun: true })));
    assert.deepEqual([err.code, err.message], [400, 'admission webhook "effects.example.com" does not support dry run']);
    assert.equal(received.length, 0);
    await none.validate(create({ dryRun: true }));
    assert.equal(received[0]?.review.request.dryRun, true);
  } finally {
    some.close();
    none.close();
  }
});

test('url clientConfig, namespace and object selectors', async () => {
  received.length = 0;
  const byUrl: Webhook = { ...hook('url.example.com', ''), clientConfig: { url: `https://127.0.0.1:${port}/allow`, caBundle } };
  const otherTeam = hook('team-b.example.com', '/deny', { namespaceSelector: { matchLabels: { team: 'b' } } });
  const labelled = hook('labelled.example.com', '/deny', { objectSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } });
  const d = dispatcher([], [config('ValidatingWebhookConfiguration', 'v', [byUrl, otherTeam, labelled])]);
  try {
    await d.validate(create());
    assert.deepEqual(received.map((r) => r.path), ['/allow?timeout=10s']);
    const withLabel = pod();
    withLabel.metadata!.labels = { app: 'x' };
    const err = await rejection(d.validate(create({ object: withLabel })));
    assert.match(err.message, /^admission webhook "labelled.example.com" denied the request/);
  } finally {
    d.close();
  }
});

test('reinvocationPolicy IfNeeded runs a webhook again after a later webhook changed the object', async () => {
  for (const [policy, seen, calls] of [['IfNeeded', '1', 3], ['Never', '0', 2]] as const) {
    received.length = 0;
    const d = dispatcher(
      [
        config('MutatingWebhookConfiguration', 'a', [hook('count.example.com', '/count-labels', { reinvocationPolicy: policy })]),
        config('MutatingWebhookConfiguration', 'b', [hook('label.example.com', '/label-a')]),
      ],
      [],
    );
    try {
      const out = await d.mutate(create());
      assert.deepEqual(out?.metadata?.annotations, { seen }, policy);
      assert.deepEqual(out?.metadata?.labels, { a: 'set' }, policy);
      assert.equal(received.length, calls, policy);
    } finally {
      d.close();
    }
  }
});
