/**
 * Service endpoints as kube-controller-manager keeps them: a Service with a selector gets an
 * Endpoints object and EndpointSlices that follow its pods (ready, not ready, terminating, gone);
 * a Service without a selector keeps the Endpoints its user writes; NodePorts are allocated; the
 * `kubernetes` Service points at the API server. Checked through the API and with real kubectl.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { call, startTestServer, waitFor, type TestServer } from './harness.js';

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const NS = 'ep-test';
let t: TestServer;

before(async () => {
  t = await startTestServer();
  assert.equal((await call(t.server, 'POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
});
after(async () => {
  await t?.close();
});

const base = `/api/v1/namespaces/${NS}`;

async function createPod(name: string, ip: string, ready: boolean): Promise<void> {
  const r = await call(t.server, 'POST', `${base}/pods`, {
    metadata: { name, labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const pod = r.body;
  pod.status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  const s = await call(t.server, 'PUT', `${base}/pods/${name}/status`, pod);
  assert.equal(s.status, 200, JSON.stringify(s.body));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON
async function endpoints(name: string): Promise<any> {
  const r = await call(t.server, 'GET', `${base}/endpoints/${name}`);
  return r.status === 200 ? r.body : undefined;
}

const ips = (list: { ip: string }[] | undefined): string[] => (list ?? []).map((a) => a.ip).sort();

function kubectl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(KUBECTL!, args, { env: { ...process.env, KUBECONFIG: t.server.kubeconfigPath }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`));
      else resolve(stdout);
    });
  });
}

test('a Service with a selector gets Endpoints and EndpointSlices that follow its pods', async () => {
  await createPod('web-a', '10.244.0.11', true);
  await createPod('web-b', '10.244.0.12', false);
  const svc = await call(t.server, 'POST', `${base}/services`, {
    metadata: { name: 'web', labels: { team: 'blue' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  assert.equal(svc.status, 201, JSON.stringify(svc.body));
  assert.match(svc.body.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\./);

  const ep = await waitFor('endpoints with both pods', async () => {
    const e = await endpoints('web');
    return e?.subsets?.[0]?.notReadyAddresses ? e : undefined;
  }, 10_000);
  assert.equal(ep.metadata.labels.team, 'blue');
  assert.equal(ep.metadata.labels['endpoints.kubernetes.io/managed-by'], 'endpoint-controller');
  assert.deepEqual(ips(ep.subsets[0].addresses), ['10.244.0.11']);
  assert.deepEqual(ips(ep.subsets[0].notReadyAddresses), ['10.244.0.12']);
  assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(ep.subsets[0].addresses[0].targetRef, { kind: 'Pod', namespace: NS, name: 'web-a', uid: ep.subsets[0].addresses[0].targetRef.uid });
  assert.equal(ep.subsets[0].addresses[0].nodeName, 'node-1');

  const slices = await call(t.server, 'GET', `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=kubernetes.io/service-name%3Dweb`);
  assert.equal(slices.body.items.length, 1);
  const slice = slices.body.items[0];
  assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(slice.metadata.ownerReferences[0].uid, svc.body.metadata.uid);
  assert.deepEqual(
    slice.endpoints.map((e: { addresses: string[]; conditions: { ready: boolean } }) => [e.addresses[0], e.conditions.ready]).sort(),
    [['10.244.0.11', true], ['10.244.0.12', false]],
  );

  // A graceful delete makes the pod terminating: it leaves Endpoints, and a slice marks it terminating.
  assert.ok([200, 202].includes((await call(t.server, 'DELETE', `${base}/pods/web-a`)).status));
  await waitFor('terminating pod out of endpoints', async () => {
    const e = await endpoints('web');
    return ips(e?.subsets?.[0]?.addresses).length === 0 && ips(e?.subsets?.[0]?.notReadyAddresses).join() === '10.244.0.12';
  }, 10_000);
  await waitFor('terminating condition in the slice', async () => {
    const s = await call(t.server, 'GET', `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices/${slice.metadata.name}`);
    return (s.body.endpoints ?? []).some((e: { addresses: string[]; conditions: { terminating: boolean } }) => e.addresses[0] === '10.244.0.11' && e.conditions.terminating);
  }, 10_000);
  assert.equal((await call(t.server, 'DELETE', `${base}/pods/web-a`, { gracePeriodSeconds: 0 })).status, 200);

  // The remaining pod becomes ready.
  const b = (await call(t.server, 'GET', `${base}/pods/web-b`)).body;
  b.status.conditions = [{ type: 'Ready', status: 'True' }];
  assert.equal((await call(t.server, 'PUT', `${base}/pods/web-b/status`, b)).status, 200);
  await waitFor('web-b ready', async () => ips((await endpoints('web'))?.subsets?.[0]?.addresses).join() === '10.244.0.12', 10_000);

  if (KUBECTL) {
    const out = await kubectl(['get', 'endpoints,endpointslices', '-n', NS]);
    assert.match(out, /endpoints\/web\s+10\.244\.0\.12:8080/);
    assert.match(out, /endpointslice\.discovery\.k8s\.io\/web-\w+\s+IPv4\s+8080\s+10\.244\.0\.12/);
    const describe = await kubectl(['describe', 'service', 'web', '-n', NS]);
    assert.match(describe, /Selector:\s+app=web/);
    assert.match(describe, /TargetPort:\s+http\/TCP/);
    assert.match(describe, /Endpoints:\s+10\.244\.0\.12:8080/);
  }

  // Deleting the Service removes its Endpoints.
  assert.equal((await call(t.server, 'DELETE', `${base}/services/web`)).status, 200);
  await waitFor('endpoints removed', async () => (await endpoints('web')) === undefined, 10_000);
});

test('a Service without a selector keeps user-written Endpoints', async () => {
  assert.equal((await call(t.server, 'POST', `${base}/services`, { metadata: { name: 'manual' }, spec: { ports: [{ port: 443, targetPort: 8443 }] } })).status, 201);
  const written = { metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 8443 }] }] };
  assert.equal((await call(t.server, 'POST', `${base}/endpoints`, written)).status, 201);
  await createPod('other', '10.244.0.20', true);
  await t.server.controllersIdle();
  const ep = await endpoints('manual');
  assert.deepEqual(ips(ep.subsets[0].addresses), ['127.0.0.1']);
  assert.equal(ep.metadata.labels?.['endpoints.kubernetes.io/managed-by'], undefined);
});

test('NodePort Services get node ports; duplicates and out-of-range ports are refused', async () => {
  const np = await call(t.server, 'POST', `${base}/services`, { metadata: { name: 'np' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] } });
  assert.equal(np.status, 201, JSON.stringify(np.body));
  const nodePort = np.body.spec.ports[0].nodePort as number;
  assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
  const dup = await call(t.server, 'POST', `${base}/services`, { metadata: { name: 'np2' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort }] } });
  assert.equal(dup.status, 422);
  assert.equal(dup.body.message, `Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: ${nodePort}: provided port is already allocated`);
  const range = await call(t.server, 'POST', `${base}/services`, { metadata: { name: 'np2' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } });
  assert.equal(range.status, 422);
  assert.match(range.body.message, /provided port is not in the valid range. The range of valid ports is 30000-32767/);
  const patched = await call(t.server, 'PATCH', `${base}/services/np`, { spec: { type: 'ClusterIP' } }, { contentType: 'application/merge-patch+json' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.spec.ports[0].nodePort, undefined);
  const reuse = await call(t.server, 'POST', `${base}/services`, { metadata: { name: 'np2' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort }] } });
  assert.equal(reuse.status, 201, JSON.stringify(reuse.body));
});

test('the kubernetes Service and its Endpoints lead to the API server, and come back when deleted', async () => {
  const svc = (await call(t.server, 'GET', '/api/v1/namespaces/default/services/kubernetes')).body;
  assert.equal(svc.spec.clusterIP, '10.96.0.1');
  assert.deepEqual(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: t.server.port }]);
  assert.deepEqual(svc.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
  const ep = (await call(t.server, 'GET', '/api/v1/namespaces/default/endpoints/kubernetes')).body;
  const addr = ep.subsets[0].addresses[0].ip as string;
  const port = ep.subsets[0].ports[0].port as number;
  assert.equal(ep.subsets[0].ports[0].name, 'https');
  // An in-cluster client resolves the Service through these Endpoints: the address answers as the API server.
  const url = new URL(t.server.url);
  url.hostname = addr;
  url.port = String(port);
  const direct = await call({ ...t.server, url: url.origin }, 'GET', '/version');
  assert.equal(direct.status, 200);
  assert.ok(direct.body.gitVersion);
  assert.ok([200, 202].includes((await call(t.server, 'DELETE', '/api/v1/namespaces/default/endpoints/kubernetes')).status));
  await waitFor('kubernetes endpoints restored', async () => (await call(t.server, 'GET', '/api/v1/namespaces/default/endpoints/kubernetes')).status === 200, 10_000);
  const slice = (await call(t.server, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes')).body;
  assert.deepEqual(slice.endpoints[0].addresses, [addr]);
  if (KUBECTL) assert.match(await kubectl(['describe', 'service', 'kubernetes']), /IP:\s+10\.96\.0\.1[\s\S]*Endpoints:\s+127\.0\.0\.1:\d+/);
});
