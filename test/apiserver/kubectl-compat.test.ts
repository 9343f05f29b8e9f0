/**
 * Real kubectl against the in-process server, for what kubectl does differently from other
 * clients: impersonation (`--as`, `--as-group`), `auth whoami`, protobuf request bodies
 * (`create deployment/job/clusterrolebinding/...` in every kubectl version installed), and
 * Secret `stringData`. Skipped with a message only when no kubectl binary exists.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runKubectl, startTestServer, type KubectlRun, type TestServer } from './harness.js';

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const skip = KUBECTL ? false : 'kubectl not found in /usr/bin or /usr/local/bin';
/** Versioned kubectl binaries (Google Cloud SDK layout), each sending its own protobuf bodies. */
const VERSIONED = [27, 28, 29, 30, 31, 32, 33].map((v) => `/usr/lib/google-cloud-sdk/bin/kubectl.1.${v}`).filter((p) => existsSync(p));

let t: TestServer;

before(async () => {
  if (!skip) t = await startTestServer();
});
after(async () => {
  await t?.close();
});

function kubectl(args: string[], bin = KUBECTL!, input?: string): Promise<KubectlRun> {
  return runKubectl(bin, t.server.kubeconfigPath, args, input);
}

async function ok(args: string[], bin?: string): Promise<string> {
  const r = await kubectl(args, bin);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('--as: whoami, forbidden with the impersonated user named, can-i, and impersonation denied', { skip }, async () => {
  const who = JSON.parse(await ok(['auth', 'whoami', '--as', 'jane', '--as-group', 'dev', '-o', 'json'])) as { status: { userInfo: unknown } };
  assert.deepEqual(who.status.userInfo, { username: 'jane', groups: ['dev', 'system:authenticated'] });
  const sa = await ok(['auth', 'whoami', '--as=system:serviceaccount:default:x']);
  assert.match(sa, /system:serviceaccount:default:x/);
  assert.match(sa, /system:serviceaccounts:default/);

  const denied = await kubectl(['--as', 'jane', 'get', 'pods']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Error from server \(Forbidden\): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"/);
  assert.equal((await kubectl(['--as=system:serviceaccount:default:x', 'auth', 'can-i', 'list', 'pods'])).stdout.trim(), 'no');

  await ok(['create', 'rolebinding', 'x-view', '--clusterrole=view', '--serviceaccount=default:x']);
  assert.equal((await ok(['--as=system:serviceaccount:default:x', 'auth', 'can-i', 'list', 'pods'])).trim(), 'yes');
  await ok(['--as=system:serviceaccount:default:x', 'get', 'pods']);
  // A group binding applies to an impersonated group.
  await ok(['create', 'clusterrolebinding', 'devs-view', '--clusterrole=view', '--group=devs']);
  await ok(['--as', 'jane', '--as-group', 'devs', 'get', 'pods']);
});

test('impersonation needs the impersonate verb: a user without it gets kube-apiserver\'s 403', { skip }, async () => {
  // Give the service account "imp" the right to impersonate "jane" only, then act as it.
  await ok(['create', 'clusterrole', 'impersonate-jane', '--verb=impersonate', '--resource=users', '--resource-name=jane']);
  await ok(['create', 'clusterrolebinding', 'imp-jane', '--clusterrole=impersonate-jane', '--serviceaccount=default:imp']);
  await ok(['create', 'serviceaccount', 'imp']);
  const token = (await ok(['create', 'token', 'imp'])).trim();
  const caFile = join(t.dataDir, 'imp-ca.crt');
  await writeFile(caFile, t.server.pki.ca.certPem);
  const asImp = (args: string[]) => kubectl(['--kubeconfig=/dev/null', `--server=${t.server.url}`, `--certificate-authority=${caFile}`, `--token=${token}`, ...args]);
  const allowed = await asImp(['auth', 'whoami', '--as', 'jane']);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /jane/);
  const deniedUser = await asImp(['get', 'pods', '--as', 'bob']);
  assert.match(deniedUser.stderr, /users "bob" is forbidden: User "system:serviceaccount:default:imp" cannot impersonate resource "users" in API group "" at the cluster scope/);
  const deniedGroup = await asImp(['get', 'pods', '--as', 'jane', '--as-group', 'admins']);
  assert.match(deniedGroup.stderr, /groups "admins" is forbidden: User "system:serviceaccount:default:imp" cannot impersonate resource "groups" in API group "" at the cluster scope/);
  const deniedSa = await asImp(['get', 'pods', '--as', 'system:serviceaccount:kube-system:default']);
  assert.match(deniedSa.stderr, /serviceaccounts "default" is forbidden: User "system:serviceaccount:default:imp" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"/);
});

test('protobuf bodies: kubectl create deployment/job/cronjob/rbac/pdb/priorityclass/service/quota', { skip }, async () => {
  await ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=0', '--port=80']);
  const d = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json'])) as { spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } } };
  assert.equal(d.spec.replicas, 0, 'an explicit zero pointer survives');
  assert.deepEqual(d.spec.template.spec.containers[0]?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.equal('paused' in d.spec, false, 'zero non-pointer fields are left out as kube-apiserver leaves them out');
  await ok(['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']);
  assert.equal(await ok(['get', 'job', 'once', '-o', 'jsonpath={.spec.template.spec.containers[0].command}']), '["echo","hi"]');
  await ok(['create', 'cronjob', 'every', '--image=busybox', '--schedule=*/5 * * * *']);
  await ok(['create', 'clusterrole', 'pod-reader', '--verb=get,list', '--resource=pods']);
  await ok(['create', 'role', 'cm-reader', '--verb=get', '--resource=configmaps']);
  await ok(['create', 'rolebinding', 'cm-reader', '--role=cm-reader', '--user=jane']);
  await ok(['create', 'pdb', 'web', '--selector=app=web', '--min-available=0']);
  assert.equal(await ok(['get', 'pdb', 'web', '-o', 'jsonpath={.spec.minAvailable}']), '0');
  await ok(['create', 'priorityclass', 'low', '--value=0']);
  await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
  assert.equal(await ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].targetPort}']), '8080');
  await ok(['create', 'quota', 'q', '--hard=pods=10']);
  await ok(['scale', 'deployment', 'web', '--replicas=2']);
  await ok(['rollout', 'restart', 'deployment', 'web']);
  assert.match(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations}']), /restartedAt/);
});

test('protobuf bodies and whoami from every installed kubectl version', { skip: skip || (VERSIONED.length === 0 ? 'no versioned kubectl installed' : false) }, async () => {
  for (const bin of VERSIONED) {
    const v = bin.split('.').pop()!;
    await ok(['create', 'deployment', `d${v}`, '--image=nginx'], bin);
    await ok(['create', 'job', `j${v}`, '--image=busybox'], bin);
    await ok(['create', 'configmap', `c${v}`, '--from-literal=a=b'], bin);
    assert.equal(await ok(['get', 'deployment', `d${v}`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'], bin), 'nginx');
    assert.match(await ok(['auth', 'whoami', '--as', `user-${v}`], bin), new RegExp(`user-${v}`));
  }
});

test('Secret stringData: merged into data on apply and patch, never stored; typed Secrets validated', { skip }, async () => {
  const manifest = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  user: admin\ndata:\n  user: b2xk\n  other: eA==\n';
  const r = await kubectl(['apply', '-f', '-'], undefined, manifest);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(await ok(['get', 'secret', 'creds', '-o', 'json'])) as { data: Record<string, string>; stringData?: unknown };
  assert.deepEqual(s.data, { user: Buffer.from('admin').toString('base64'), other: 'eA==' });
  assert.equal(s.stringData, undefined);
  await ok(['patch', 'secret', 'creds', '-p', '{"stringData":{"token":"t0k"}}']);
  assert.equal(await ok(['get', 'secret', 'creds', '-o', 'jsonpath={.data.token}']), Buffer.from('t0k').toString('base64'));
  await ok(['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p']);
  const bad = await kubectl(['apply', '-f', '-'], undefined, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: registry\n');
  assert.match(bad.stderr, /The Secret "bad" is invalid: data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": invalid character 'r' looking for beginning of value/);
  const tls = await kubectl(['apply', '-f', '-'], undefined, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n');
  assert.match(tls.stderr, /The Secret "tls" is invalid: data\[tls\.key\]: Required value/);
});

test('field selectors come from one table: Pod spec.host alias, events.k8s.io regarding.*, Namespace labels', { skip }, async () => {
  await ok(['create', 'namespace', 'fs']);
  await ok(['run', 'p', '-n', 'fs', '--image=busybox', '--overrides={"spec":{"nodeName":"n1"}}']);
  assert.match(await ok(['get', 'pods', '-n', 'fs', '--field-selector', 'spec.host=n1', '-o', 'name']), /pod\/p/);
  assert.equal(await ok(['get', 'pods', '-n', 'fs', '--field-selector', 'spec.host=n2', '-o', 'name']), '');
  assert.equal((await ok(['get', 'events.v1.events.k8s.io', '-n', 'fs', '--field-selector', 'regarding.name=p,reportingController=x', '-o', 'name'])).trim(), '');
  const core = await kubectl(['get', 'events.v1.events.k8s.io', '-n', 'fs', '--field-selector', 'involvedObject.name=p']);
  assert.match(core.stderr, /field label not supported: involvedObject\.name/);
  assert.match(await ok(['get', 'namespaces', '--field-selector', 'status.phase=Active,metadata.name=fs', '-o', 'name']), /namespace\/fs/);
  assert.match((await kubectl(['get', 'nodes', '--field-selector', 'metadata.namespace=x'])).stderr, /field label not supported: metadata\.namespace/);
});

test('auth can-i --list answers through SelfSubjectRulesReview, for the impersonated user', { skip }, async () => {
  await ok(['create', 'namespace', 'rules']);
  await ok(['create', 'role', 'lister', '-n', 'rules', '--verb=list', '--resource=leases.coordination.k8s.io']);
  await ok(['create', 'rolebinding', 'lister', '-n', 'rules', '--role=lister', '--user=rita']);
  const list = await ok(['auth', 'can-i', '--list', '-n', 'rules', '--as', 'rita']);
  assert.match(list, /leases\.coordination\.k8s\.io\s+\[\]\s+\[\]\s+\[list\]/);
  assert.doesNotMatch(await ok(['auth', 'can-i', '--list', '-n', 'default', '--as', 'rita']), /leases/);
  assert.match(await ok(['auth', 'can-i', '--list']), /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
});
