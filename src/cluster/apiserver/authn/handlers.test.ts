import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import type { Decision, RequestAttributes } from '../contracts.js';
import { ServiceAccountTokens } from './service-account-tokens.js';
import { handleTokenRequest, type ObjectLookup } from './token-request.js';
import { handleTokenReview } from './token-review.js';
import {
  handleLocalSubjectAccessReview,
  handleSelfSubjectAccessReview,
  handleSubjectAccessReview,
} from './access-review.js';

const dir = await mkdtemp(join(tmpdir(), 'authn-handlers-'));
after(() => rm(dir, { recursive: true, force: true }));
const tokens = await ServiceAccountTokens.open({ keyDir: dir });

const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ns1', uid: 'sa-uid' } };
const objects: Record<string, KubeObject> = {
  'Pod/ns1/p1': { metadata: { name: 'p1', namespace: 'ns1', uid: 'pod-uid' }, spec: { serviceAccountName: 'builder', nodeName: 'n1' } },
  'Pod/ns1/other': { metadata: { name: 'other', namespace: 'ns1', uid: 'o-uid' }, spec: {} },
  'Secret/ns1/s1': { metadata: { name: 's1', namespace: 'ns1', uid: 'secret-uid' } },
  'Node//n1': { metadata: { name: 'n1', uid: 'node-uid' } },
};
const lookup: ObjectLookup = (kind, ns, name) => objects[`${kind}/${ns}/${name}`];
const tokenRequest = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenRequest',
  metadata,
  spec,
});

function statusOf(fn: () => unknown): Promise<{ code: number; reason: string; message: string }> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => assert.fail('expected a StatusError'),
      (err: unknown) => {
        assert.ok(err instanceof StatusError, String(err));
        return { code: err.code, reason: err.reason, message: err.message };
      },
    );
}

test('TokenRequest defaults audiences and expiration and returns a verifiable token', async () => {
  const out = await handleTokenRequest(tokenRequest({}), { serviceAccount: sa, tokens, lookup });
  const spec = out.spec as { audiences: string[]; expirationSeconds: number };
  assert.deepEqual(spec.audiences, ['https://kubernetes.default.svc.cluster.local']);
  assert.equal(spec.expirationSeconds, 3600);
  assert.deepEqual(out.metadata?.name, 'builder');
  const status = out.status as { token: string; expirationTimestamp: string };
  const claims = decodeJwt(status.token);
  assert.equal(status.expirationTimestamp, new Date(claims.exp! * 1000).toISOString().replace('.000Z', 'Z'));
  const user = await tokens.verify(status.token);
  assert.equal(user?.name, 'system:serviceaccount:ns1:builder');
});

test('TokenRequest binds to a pod (with its node), secret or node', async () => {
  const cases: { ref: Record<string, string>; want: Record<string, unknown> }[] = [
    {
      ref: { apiVersion: 'v1', kind: 'Pod', name: 'p1' },
      want: { pod: { name: 'p1', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } },
    },
    { ref: { apiVersion: 'v1', kind: 'Secret', name: 's1', uid: 'secret-uid' }, want: { secret: { name: 's1', uid: 'secret-uid' } } },
    { ref: { apiVersion: 'v1', kind: 'Node', name: 'n1' }, want: { node: { name: 'n1', uid: 'node-uid' } } },
  ];
  for (const c of cases) {
    const out = await handleTokenRequest(tokenRequest({ boundObjectRef: c.ref, audiences: ['api'] }), { serviceAccount: sa, tokens, lookup });
    const k = decodeJwt((out.status as { token: string }).token)['kubernetes.io'] as Record<string, unknown>;
    assert.deepEqual(k, { namespace: 'ns1', serviceaccount: { name: 'builder', uid: 'sa-uid' }, ...c.want }, c.ref.kind);
  }
});

test('TokenRequest rejects bad requests as kube-apiserver words them', async () => {
  const ctx = { serviceAccount: sa, tokens, lookup };
  const cases: { name: string; body: KubeObject; want: { code: number; reason: string; message: string } }[] = [
    {
      name: 'too short',
      body: tokenRequest({ expirationSeconds: 60 }),
      want: {
        code: 422,
        reason: 'Invalid',
        message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
      },
    },
    {
      name: 'too long',
      body: tokenRequest({ expirationSeconds: 2 ** 33 }),
      want: {
        code: 422,
        reason: 'Invalid',
        message: `TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: ${2 ** 33}: may not specify a duration larger than 2^32 seconds`,
      },
    },
    {
      name: 'other name',
      body: tokenRequest({}, { name: 'x' }),
      want: {
        code: 422,
        reason: 'Invalid',
        message: 'TokenRequest.authentication.k8s.io "builder" is invalid: metadata.name: Invalid value: "x": must match the service account name if specified',
      },
    },
    {
      name: 'unsupported kind',
      body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c' } }),
      want: { code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type /v1, Kind=ConfigMap' },
    },
    {
      name: 'missing pod',
      body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'gone' } }),
      want: { code: 404, reason: 'NotFound', message: 'pods "gone" not found' },
    },
    {
      name: 'pod of another sa',
      body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'other' } }),
      want: {
        code: 400,
        reason: 'BadRequest',
        message: 'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.',
      },
    },
    {
      name: 'uid mismatch',
      body: tokenRequest({ boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 's1', uid: 'old' } }),
      want: {
        code: 409,
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled on Secret "s1": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
      },
    },
  ];
  for (const c of cases) assert.deepEqual(await statusOf(() => handleTokenRequest(c.body, ctx)), c.want, c.name);
});

test('TokenReview reports the user and audiences, or the error', async () => {
  const authenticate = (t: string, a: readonly string[]) => tokens.review(t, { audiences: a });
  const good = await tokens.issue({ namespace: 'ns1', serviceAccountName: 'builder', serviceAccountUid: 'sa-uid', expirationSeconds: 600 });
  const ok = await handleTokenReview({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: good.token } }, authenticate);
  assert.deepEqual(ok.status, {
    authenticated: true,
    user: {
      username: 'system:serviceaccount:ns1:builder',
      uid: 'sa-uid',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${good.claims.jti}`] },
    },
    audiences: ['https://kubernetes.default.svc.cluster.local'],
  });
  const bad = await handleTokenReview({ spec: { token: good.token, audiences: ['vault'] } }, authenticate);
  assert.deepEqual(bad.status, {
    user: {},
    error: 'token audiences ["https://kubernetes.default.svc.cluster.local"] is invalid for the target audiences ["vault"]',
  });
  assert.deepEqual(await statusOf(() => handleTokenReview({ spec: {} }, authenticate)), {
    code: 400,
    reason: 'BadRequest',
    message: 'token is required for TokenReview in authentication',
  });
});

function recordingAuthorizer(decision: Decision): { calls: RequestAttributes[]; authorize: (a: RequestAttributes) => Decision } {
  const calls: RequestAttributes[] = [];
  return { calls, authorize: (a) => (calls.push(a), decision) };
}

test('SubjectAccessReview asks the authoriser on behalf of spec.user and reports its decision', () => {
  const fake = recordingAuthorizer({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "x"' });
  const out = handleSubjectAccessReview(
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'bob', groups: ['dev'], resourceAttributes: { namespace: 'ns1', verb: 'get', resource: 'virtualmachineinstances', subresource: 'console', group: 'subresources.kubevirt.io', name: 'vm1' } },
    },
    fake.authorize,
  );
  assert.deepEqual(out.status, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "x"' });
  assert.deepEqual(fake.calls, [
    {
      user: { name: 'bob', groups: ['dev'] },
      verb: 'get',
      isResourceRequest: true,
      apiGroup: 'subresources.kubevirt.io',
      apiVersion: '',
      resource: 'virtualmachineinstances',
      subresource: 'console',
      namespace: 'ns1',
      name: 'vm1',
    },
  ]);
  const nonRes = recordingAuthorizer({ allowed: false, reason: '' });
  const denied = handleSubjectAccessReview({ spec: { user: 'bob', nonResourceAttributes: { path: '/healthz', verb: 'get' } } }, nonRes.authorize);
  assert.deepEqual(denied.status, { allowed: false });
  assert.deepEqual(nonRes.calls[0], { user: { name: 'bob', groups: [] }, verb: 'get', isResourceRequest: false, path: '/healthz' });
});

test('access reviews validate their spec with upstream wording', async () => {
  const allow = () => ({ allowed: true, reason: '' });
  const cases: { name: string; run: () => unknown; want: string; code?: number }[] = [
    {
      name: 'SAR empty',
      run: () => handleSubjectAccessReview({ spec: {} }, allow),
      want: 'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
    },
    {
      name: 'SAR both',
      run: () => handleSubjectAccessReview({ spec: { user: 'a', resourceAttributes: {}, nonResourceAttributes: {} } }, allow),
      want: 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: {}: cannot be specified in combination with resourceAttributes',
    },
    {
      name: 'SAR metadata',
      run: () => handleSubjectAccessReview({ metadata: { name: 'x' }, spec: { user: 'a', resourceAttributes: {} } }, allow),
      want: 'SubjectAccessReview.authorization.k8s.io "" is invalid: metadata: Invalid value: {"name":"x"}: must be empty',
    },
    {
      name: 'LSAR namespace in spec',
      run: () => handleLocalSubjectAccessReview({ spec: { user: 'a', resourceAttributes: { namespace: 'other' } } }, 'ns1', allow),
      want: 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace',
    },
    {
      name: 'LSAR metadata namespace differs from URL',
      run: () => handleLocalSubjectAccessReview({ metadata: { namespace: 'x' }, spec: { user: 'a', resourceAttributes: { namespace: 'x' } } }, 'ns1', allow),
      want: 'spec.resourceAttributes.namespace must match namespace: ns1',
      code: 400,
    },
    {
      name: 'LSAR non-resource',
      run: () => handleLocalSubjectAccessReview({ spec: { user: 'a', nonResourceAttributes: { path: '/x' } } }, 'ns1', allow),
      want: 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: {"path":"/x"}: disallowed on this kind of request',
    },
    {
      name: 'SSAR empty',
      run: () => handleSelfSubjectAccessReview({ metadata: { creationTimestamp: undefined }, spec: {} }, { name: 'me', groups: [] }, allow),
      want: 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    },
  ];
  for (const c of cases) {
    const got = await statusOf(c.run);
    assert.equal(got.message, c.want, c.name);
    assert.equal(got.code, c.code ?? 422, c.name);
  }
});

test('LocalSubjectAccessReview and SelfSubjectAccessReview authorise the right user in the right namespace', () => {
  const fake = recordingAuthorizer({ allowed: true, reason: '' });
  const lsar = handleLocalSubjectAccessReview({ spec: { groups: ['g'], resourceAttributes: { namespace: 'ns1', verb: 'list', resource: 'pods' } } }, 'ns1', fake.authorize);
  assert.equal(lsar.metadata?.namespace, 'ns1');
  assert.equal(fake.calls[0]?.namespace, 'ns1');
  const me = { name: 'alice', groups: ['system:authenticated'], extra: { scopes: ['a'] } };
  // kubectl auth can-i sends metadata {creationTimestamp: null}
  const ssar = handleSelfSubjectAccessReview(
    { metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'], spec: { resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'ns1' } } },
    me,
    fake.authorize,
  );
  assert.deepEqual(ssar.status, { allowed: true });
  assert.deepEqual(fake.calls[1]?.user, me);
  assert.equal(fake.calls[1]?.verb, 'create');
});
