/**
 * pods/log and pods/exec with the real kubectl against the in-process API server and a node agent
 * serving HTTPS: logs (tail, follow, previous, container choice), exec with stdin, stdout, stderr
 * and exit code, a tty exec, RBAC on pods/log and pods/exec, and the node refusing other clients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { useCluster } from './harness.js';
import { NodeAgent } from '../../src/cluster/kubelet/node-agent.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import { issueServerCert, issueClientCert, renderKubeconfig } from '../../src/cluster/pki/index.js';
import type { Node, Pod } from '../../src/cluster/kubelet/types.js';
import { until } from '../fixtures/wait.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KUBECTL = '/usr/bin/kubectl';
const skip = !sandboxSupported() ? 'needs root, unshare and nsenter' : !existsSync(KUBECTL) ? 'needs /usr/bin/kubectl' : false;
const NODE = 'kt-exec01';
const cluster = useCluster({ skip, prefix: 'kubelet-exec', nodes: [NODE] });

function kubectl(args: readonly string[], opts: { input?: string; kubeconfig?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, [`--kubeconfig=${opts.kubeconfig ?? cluster.server().kubeconfigPath}`, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(opts.input ?? '');
  });
}

test('kubectl logs and exec reach a pod through the API server and the node agent', { skip, timeout: 120_000 }, async () => {
  const client = cluster.client();
  const ts = cluster.server();
  const serving = await issueServerCert(ts.pki.ca, { commonName: NODE, dnsNames: [NODE] });
  const agent = new NodeAgent({ client, name: NODE, capacity: { cpu: '1', memory: '1Gi', pods: '110' }, stateDir: cluster.dir, repoDir: process.cwd(), heartbeatMs: 1000, tls: { ...serving, caPem: ts.pki.ca.certPem } });
  await agent.start();
  try {
    const node = await client.get<Node>(`/api/v1/nodes/${NODE}`);
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint.Port, agent.port);
    await client.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'talk' },
      spec: {
        nodeName: NODE, terminationGracePeriodSeconds: 1, restartPolicy: 'Always',
        containers: [
          { name: 'main', image: 'kubevirt-ts/host:latest', workingDir: '/tmp', env: [{ name: 'WHO', value: 'main' }], command: ['/bin/sh', '-c', 'for i in 1 2 3 4 5; do echo line $i; done; while :; do sleep 1; done'] },
          { name: 'crash', image: 'kubevirt-ts/host:latest', command: ['/bin/sh', '-c', 'echo run $(cat /tmp/n 2>/dev/null); echo x >> /tmp/n; sleep 2; exit 1'] },
        ],
      },
    });
    await until('the pod to run', async () => ((await client.get<Pod>('/api/v1/namespaces/default/pods/talk')).status?.phase === 'Running' ? true : undefined), 30_000, 200);

    const noContainer = await kubectl(['logs', 'pod/talk', '--default-container=false']);
    assert.equal((await kubectl(['logs', 'talk', '-c', 'main', '--tail=2'])).stdout, 'line 4\nline 5\n');
    const all = await until('five lines', async () => {
      const r = await kubectl(['logs', 'talk', '-c', 'main']);
      return r.stdout.split('\n').length === 6 ? r : undefined;
    }, 20_000, 200);
    assert.equal(all.code, 0);
    const stamped = await kubectl(['logs', 'talk', '-c', 'main', '--timestamps', '--tail=1']);
    assert.match(stamped.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 5\n$/);
    assert.equal((await kubectl(['logs', 'talk', '-c', 'main', '--since=1h'])).stdout, all.stdout);
    assert.ok(noContainer.stdout.includes('line 1') || noContainer.stderr.length > 0);
    const bad = await kubectl(['logs', 'talk', '-c', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container nope is not valid for pod talk/);
    // previous: the crashing container's first run, after it restarted.
    const prev = await until('a previous log', async () => {
      const r = await kubectl(['logs', 'talk', '-c', 'crash', '--previous']);
      return r.code === 0 ? r : undefined;
    }, 30_000, 300);
    assert.equal(prev.stdout, 'run\n');
    // follow: existing lines, then the stream stays open until kubectl is stopped.
    const follow = spawn(KUBECTL, [`--kubeconfig=${ts.kubeconfigPath}`, 'logs', '-f', 'talk', '-c', 'main'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let followed = '';
    follow.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    await until('followed lines', () => (followed.includes('line 5') ? true : undefined), 20_000, 100);
    assert.equal(follow.exitCode, null, 'follow keeps streaming');
    follow.kill();

    const ex = await kubectl(['exec', 'talk', '-c', 'main', '--', '/bin/sh', '-c', 'echo "$WHO in $(pwd)"; echo oops >&2; exit 3']);
    assert.equal(ex.code, 3);
    assert.equal(ex.stdout, 'main in /tmp\n');
    assert.match(ex.stderr, /oops/);
    const cat = await kubectl(['exec', '-i', 'talk', '-c', 'main', '--', 'tr', 'a-z', 'A-Z'], { input: 'through stdin\n' });
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, 'THROUGH STDIN\n');
    // A tty: the command sees a terminal (kubectl needs one too, so it runs under script(1)).
    const cfg = ts.kubeconfigPath;
    const tty = await new Promise<string>((resolve) => {
      execFile('script', ['-q', '-e', '-c', `${KUBECTL} --kubeconfig=${cfg} exec -it talk -c main -- /bin/sh -c 'tty; stty size'`, '/dev/null'], { timeout: 30_000 }, (_e, out) => resolve(out));
    });
    assert.match(tty, /\/dev\/pts\/\d+/);
    const missing = await kubectl(['exec', 'talk', '-c', 'main', '--', '/nonexistent']);
    assert.notEqual(missing.code, 0);

    // RBAC: a user without pods/log or pods/exec is refused; with `get pods/log` logs work but exec does not.
    const creds = await issueClientCert(ts.pki.ca, 'jane', []);
    const janeCfg = join(cluster.dir, 'jane.kubeconfig');
    writeFileSync(janeCfg, renderKubeconfig({ server: ts.url, caPem: ts.pki.ca.certPem, credentials: creds, userName: 'jane' }));
    const role = (resources: string[]): Record<string, unknown> => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'logs' }, rules: [{ apiGroups: [''], resources, verbs: ['get'] }] });
    await client.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', role(['pods']));
    await client.create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'logs' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'logs' }, subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }] });
    await until('jane is refused pods/log', async () => ((await kubectl(['logs', 'talk', '-c', 'main'], { kubeconfig: janeCfg })).stderr.match(/cannot get resource "pods\/log"/) ? true : undefined), 20_000, 200);
    await client.replace('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/logs', role(['pods', 'pods/log']));
    assert.equal((await until('jane reads logs', async () => {
      const r = await kubectl(['logs', 'talk', '-c', 'main', '--tail=1'], { kubeconfig: janeCfg });
      return r.code === 0 ? r : undefined;
    }, 20_000, 200)).stdout, 'line 5\n');
    const janeExec = await kubectl(['exec', 'talk', '-c', 'main', '--', 'true'], { kubeconfig: janeCfg });
    assert.notEqual(janeExec.code, 0);
    assert.match(janeExec.stderr, /forbidden|Forbidden/);

    // The node endpoint accepts only the API server's client certificate.
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: agent.port, path: '/containerLogs/default/talk/main', servername: NODE, ca: ts.pki.ca.certPem, cert: ts.pki.admin.certPem, key: ts.pki.admin.keyPem }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
      req.end();
    });
    assert.equal(status, 403);
  } finally {
    await agent.stop({ releasePods: true });
  }
});
