/**
 * Real kubectl against the in-process server: get/describe, apply (client-side and server-side),
 * patch, label, annotate, delete --wait, wait, get -w, auth can-i, api-resources, explain.
 * Skipped with a message only when no kubectl binary exists.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runKubectl, startTestServer, waitFor, type KubectlRun, type TestServer } from './harness.js';
import { defaultModules } from '../../src/cluster/apiserver/wiring.js';

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const skip = KUBECTL ? false : 'kubectl not found in /usr/bin or /usr/local/bin';

let t: TestServer;

before(async () => {
  if (!skip) t = await startTestServer();
});
after(async () => {
  await t?.close();
});

function kubectl(args: string[], input?: string): Promise<KubectlRun> {
  return runKubectl(KUBECTL!, t.server.kubeconfigPath, args, input);
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const cm = (name: string, value: string, label: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    tier: ${label}\ndata:\n  key: ${value}\n`;

test('get, describe and api-resources', { skip }, async () => {
  const ns = await ok(['get', 'namespaces']);
  assert.match(ns, /^NAME\s+STATUS\s+AGE|^NAME\s+AGE/m);
  assert.match(ns, /kube-system/);
  assert.match(await ok(['describe', 'namespace', 'default']), /Name:\s+default/);
  const res = await ok(['api-resources']);
  assert.match(res, /configmaps\s+cm\s+v1\s+true\s+ConfigMap/);
  assert.match(res, /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
  assert.match(await ok(['get', 'serviceaccounts', '-n', 'default', '-o', 'name']), /serviceaccount\/default/);
});

test('create, apply (client-side, creating) and get -o jsonpath', { skip }, async () => {
  await ok(['create', 'configmap', 'created', '--from-literal=a=b']);
  assert.equal(await ok(['get', 'cm', 'created', '-o', 'jsonpath={.data.a}']), 'b');
  await ok(['apply', '-f', '-'], cm('applied', 'one', 'web'));
  assert.equal(await ok(['get', 'cm', 'applied', '-o', 'jsonpath={.data.key}/{.metadata.labels.tier}']), 'one/web');
});

test('apply again (client-side and --server-side), patch, label and annotate', { skip: skip || (defaultModules().patches ? false : 'the patch module is not wired in yet') }, async () => {
  await ok(['apply', '-f', '-'], cm('applied', 'one', 'web'));
  await ok(['apply', '-f', '-'], cm('applied', 'two', 'db'));
  assert.equal(await ok(['get', 'cm', 'applied', '-o', 'jsonpath={.data.key}/{.metadata.labels.tier}']), 'two/db');
  await ok(['apply', '--server-side', '-f', '-'], cm('ssa', 'one', 'web'));
  await ok(['apply', '--server-side', '-f', '-'], cm('ssa', 'two', 'web'));
  assert.equal(await ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.key}']), 'two');
  await ok(['patch', 'cm', 'ssa', '--type', 'merge', '-p', '{"data":{"extra":"x"}}']);
  await ok(['patch', 'cm', 'ssa', '--type', 'json', '-p', '[{"op":"replace","path":"/data/extra","value":"y"}]']);
  await ok(['label', 'cm', 'ssa', 'color=blue']);
  await ok(['annotate', 'cm', 'ssa', 'note=hello']);
  assert.equal(await ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.extra}/{.metadata.labels.color}/{.metadata.annotations.note}']), 'y/blue/hello');
  assert.match(await ok(['get', 'cm', '-l', 'color=blue', '-o', 'name']), /configmap\/ssa/);
});

test('delete --wait, wait --for, get -w', { skip }, async () => {
  await ok(['create', 'namespace', 'kubectl-w']);
  await ok(['wait', '--for=jsonpath={.status.phase}=Active', 'namespace/kubectl-w', '--timeout=10s']);
  const watcher = spawn(KUBECTL!, ['get', 'configmaps', '-n', 'kubectl-w', '-w', '--no-headers'], { env: { ...process.env, KUBECONFIG: t.server.kubeconfigPath } });
  let out = '';
  watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor('watch started', () => out.includes('kube-root-ca') || true);
    await ok(['create', 'configmap', 'watched', '-n', 'kubectl-w']);
    await waitFor('get -w prints the new object', () => /watched/.test(out), 10_000);
  } finally {
    watcher.kill();
  }
  await ok(['delete', 'configmap', 'watched', '-n', 'kubectl-w', '--wait=true', '--timeout=10s']);
  const gone = await kubectl(['get', 'configmap', 'watched', '-n', 'kubectl-w']);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /NotFound|not found/);
});

test('auth can-i answers for the admin', { skip }, async () => {
  assert.equal((await ok(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
  assert.equal((await ok(['auth', 'can-i', '*', '*', '--all-namespaces'])).trim(), 'yes');
});

test('errors are printed as kube-apiserver prints them', { skip }, async () => {
  const r = await kubectl(['get', 'configmap', 'does-not-exist']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Error from server \(NotFound\): configmaps "does-not-exist" not found/);
});

const crdYaml = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gd]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: The gadget's desired state.
            properties:
              size: {type: integer, description: How big the gadget is.}
`;

test('a CRD: wait --for=condition=Established, printer columns, explain, delete --wait', { skip }, async () => {
  await ok(['apply', '-f', '-'], crdYaml);
  await ok(['wait', '--for=condition=Established', 'crd/gadgets.example.com', '--timeout=10s']);
  await ok(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g1\nspec:\n  size: 7\n');
  const table = await ok(['get', 'gd']);
  assert.match(table, /^NAME\s+SIZE/m);
  assert.match(table, /^g1\s+7/m);
  assert.match(await ok(['explain', 'gadget.spec.size']), /How big the gadget is/);
  await ok(['delete', 'gadget', 'g1', '--wait=true', '--timeout=10s']);
  await ok(['delete', 'crd', 'gadgets.example.com', '--wait=true', '--timeout=20s']);
});
