/**
 * The embedded cluster's nodes end to end: one `kubevirt-ts up --nodes 2`, real kubectl.
 * A pod from an image the test pushes to a loopback registry with every volume type and env
 * source; pod-to-pod traffic across the nodes; logs and exec; a FailedScheduling event and the
 * retry once a node frees up; graceful and forced deletion; PVC provisioning, binding and
 * reclaim (an Immediate class: WaitForFirstConsumer needs the scheduler's selected-node, not
 * yet landed); a node agent process killed with -9 while a probed pod runs on it (restarted by
 * `up`, it re-adopts the pod); and nothing left behind after `up` stops.
 * Needs root, docker-registry and a build (`npm run build`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../fixtures/wait.js';
import { pushOciLayout } from '../fixtures/oci-push.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { UpCluster } from '../stack/harness.js';
import { writeBusyboxLayout } from './busybox-image.js';

const root = new URL('../..', import.meta.url).pathname;
const KUBECTL = '/usr/bin/kubectl';
const skip = !existsSync(KUBECTL) ? 'needs /usr/bin/kubectl'
  : process.getuid?.() !== 0 ? 'needs root'
    : !existsSync('/usr/bin/docker-registry') ? 'needs docker-registry'
      : !existsSync(join(root, 'dist/cmd/kubevirt-ts.js')) ? 'run npm run build first' : false;
// Short, and not under /tmp (pods mount /tmp privately).
const dataDir = mkdtempSync('/var/tmp/kv-');
const hostDir = join(dataDir, 'hostpath');
let reg: RegistryFixture | undefined;
let up: UpCluster | undefined;
let image = '';

function kubectl(args: readonly string[], input?: string): { code: number; out: string; stdout: string } {
  const r = spawnSync(KUBECTL, args, { input, encoding: 'utf8', env: { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig') }, timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}
const jp = (what: string, path: string): string => kubectl(['get', ...what.split(' '), '-o', `jsonpath={${path}}`]).stdout;
const apply = (yaml: string): void => {
  const r = kubectl(['apply', '-f', '-'], yaml);
  assert.equal(r.code, 0, r.out);
};
const phase = (pod: string): string => jp(`pod ${pod}`, '.status.phase');
const running = (pod: string, ms = 90_000): Promise<true> => until(`pod ${pod} Running`, () => (phase(pod) === 'Running' ? true : undefined), ms, 300);

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  const pushed = await pushOciLayout(await writeBusyboxLayout(join(dataDir, 'layout')), { registry: reg.url, repository: 'kvts/busybox', tag: 'v1' });
  image = pushed.reference;
  // A short node grace period (above the agents' 10 s heartbeat) for the stopped-agent test.
  up = await UpCluster.start({ dataDir, nodes: 2, ready: '2 node(s) ready', readyTimeoutMs: 120_000, env: { KUBEVIRT_TS_NODE_GRACE_SECONDS: '15' } });
});

after(async () => {
  await up?.stop();
  await reg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const withLog = async (fn: () => Promise<void>): Promise<void> => {
  try {
    await fn();
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- up's log ---\n${up?.log.slice(-3000) ?? ''}`, { cause: e });
  }
};

const podUids: string[] = [];

test('a registry image pod gets every volume type and env source, logs and exec work', { skip, timeout: 180_000 }, () => withLog(async () => {
  apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: e2e-cm}
data: {greeting: hello-cm, color: blue}
---
apiVersion: v1
kind: Secret
metadata: {name: e2e-secret}
data: {password: czNjcmV0}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local-now}
provisioner: kubevirt-ts.io/local
reclaimPolicy: Delete
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: e2e-pvc}
spec: {accessModes: [ReadWriteOnce], storageClassName: local-now, resources: {requests: {storage: 16Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: vols-svc}
spec: {selector: {app: vols}, ports: [{name: web, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: vols, labels: {app: vols}}
spec:
  nodeSelector: {kubernetes.io/hostname: node01}
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: ${image}
    command: [sh, -c, 'mkdir -p /www && echo hello-from-vols > /www/index.html && echo started with $GREETING && exec httpd -f -p 8080 -h /www']
    env:
    - {name: PLAIN, value: plain-value}
    - {name: GREETING, valueFrom: {configMapKeyRef: {name: e2e-cm, key: greeting}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: e2e-secret, key: password}}}
    - {name: MY_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: MEM_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    envFrom: [{prefix: CM_, configMapRef: {name: e2e-cm}}]
    resources: {limits: {memory: 64Mi}}
    volumeMounts:
    - {name: cm, mountPath: /etc/cm}
    - {name: sec, mountPath: /etc/sec, readOnly: true}
    - {name: dapi, mountPath: /etc/podinfo}
    - {name: proj, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}
    - {name: scratch, mountPath: /scratch}
    - {name: mem, mountPath: /mem}
    - {name: host, mountPath: /host}
    - {name: data, mountPath: /data}
  volumes:
  - {name: cm, configMap: {name: e2e-cm}}
  - {name: sec, secret: {secretName: e2e-secret}}
  - {name: dapi, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - {name: proj, projected: {sources: [{serviceAccountToken: {path: token}}, {configMap: {name: e2e-cm, items: [{key: color, path: color}]}}]}}
  - {name: scratch, emptyDir: {}}
  - {name: mem, emptyDir: {medium: Memory}}
  - {name: host, hostPath: {path: ${hostDir}, type: DirectoryOrCreate}}
  - {name: data, persistentVolumeClaim: {claimName: e2e-pvc}}
`);
  await running('vols');
  podUids.push(jp('pod vols', '.metadata.uid'));
  assert.equal(jp('pvc e2e-pvc', '.status.phase'), 'Bound');
  assert.equal(jp('pod vols', '.spec.nodeName'), 'node01');
  assert.match(jp('pod vols', '.status.containerStatuses[0].imageID'), /sha256:/);

  const sh = (script: string): { code: number; out: string; stdout: string } => kubectl(['exec', 'vols', '--', 'sh', '-c', script]);
  const checks: [string, string][] = [
    ['echo $PLAIN $GREETING $PASSWORD $MY_NODE $MEM_MI $CM_color $IMAGE_VAR', 'plain-value hello-cm s3cret node01 64 blue from-image'],
    ['cat /etc/cm/greeting /etc/sec/password /etc/podinfo/labels', 'hello-cms3cretapp="vols"'],
    ['cat /var/run/secrets/kubernetes.io/serviceaccount/color; test -s /run/secrets/kubernetes.io/serviceaccount/token && echo token', 'bluetoken'],
    ['echo s > /scratch/f && echo m > /mem/f && echo h > /host/f && echo d > /data/f && cat /scratch/f /mem/f /host/f /data/f', 's\nm\nh\nd'],
    ['grep -c tmpfs /proc/mounts >/dev/null && grep " /mem " /proc/mounts | cut -d" " -f3', 'tmpfs'],
    ['echo x > /etc/sec/password 2>/dev/null || echo read-only', 'read-only'],
    ['cat /etc/hostname; pwd', 'vols\n/work'],
    ['echo $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT_HTTPS $KUBERNETES_PORT $VOLS_SVC_SERVICE_PORT_WEB $VOLS_SVC_PORT_80_TCP_PROTO', '10.96.0.1 443 tcp://10.96.0.1:443 80 tcp'],
  ];
  for (const [script, want] of checks) assert.equal(sh(script).stdout.trim(), want, script);
  assert.equal(readFileSync(join(hostDir, 'f'), 'utf8'), 'h\n');

  assert.equal(kubectl(['logs', 'vols']).stdout, 'started with hello-cm\n');
  assert.match(kubectl(['logs', 'vols', '--timestamps']).stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z started with hello-cm\n$/);
  const stdin = spawnSync(KUBECTL, ['exec', '-i', 'vols', '--', 'wc', '-l'], { input: 'a\nb\nc\n', encoding: 'utf8', env: { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig') } });
  assert.equal(stdin.stdout.trim(), '3');
  assert.equal(sh('exit 7').code, 7);

  // A ConfigMap change reaches the mounted volume without a restart.
  assert.equal(kubectl(['patch', 'configmap', 'e2e-cm', '-p', '{"data":{"greeting":"hello-again"}}']).code, 0);
  await until('the configMap volume to refresh', () => (sh('cat /etc/cm/greeting').stdout === 'hello-again' ? true : undefined), 40_000, 1000);
}));

test('pods reach each other across the two nodes', { skip, timeout: 120_000 }, () => withLog(async () => {
  apply(`apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeSelector: {kubernetes.io/hostname: node02}
  terminationGracePeriodSeconds: 1
  containers: [{name: main, image: ${image}, command: [sleep, '3600']}]
`);
  await running('client');
  podUids.push(jp('pod client', '.metadata.uid'));
  const ipA = jp('pod vols', '.status.podIP');
  const ipB = jp('pod client', '.status.podIP');
  // One supernet per cluster (10.244/16 unless another cluster on this host holds it), a /24 per node.
  assert.match(ipA, /^10\.\d+\.1\.\d+$/);
  assert.match(ipB, /^10\.\d+\.2\.\d+$/);
  assert.equal(ipA.split('.')[1], ipB.split('.')[1]);
  const got = await until('an HTTP answer across nodes', () => {
    // busybox-static's wget crashes in glibc's resolver without NSS libraries: plain HTTP over nc.
    const r = kubectl(['exec', 'client', '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ipA} 8080`]);
    return r.code === 0 && r.stdout.includes('200 OK') ? r.stdout : undefined;
  }, 30_000, 1000);
  assert.match(got, /\r\n\r\nhello-from-vols\n$/);
}));

test('a pod that fits nowhere gets FailedScheduling and is scheduled once a node frees up', { skip, timeout: 150_000 }, () => withLog(async () => {
  const cpuMilli = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
  const alloc = Math.min(cpuMilli(jp('node node01', '.status.allocatable.cpu')), cpuMilli(jp('node node02', '.status.allocatable.cpu')));
  const req = `${Math.floor(alloc * 0.6)}m`;
  const hog = (name: string, node: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeSelector: {kubernetes.io/hostname: ${node}}
  terminationGracePeriodSeconds: 1
  containers: [{name: main, image: ${image}, command: [sleep, '3600'], resources: {requests: {cpu: ${req}}}}]
`;
  apply(hog('hog1', 'node01'));
  apply(hog('hog2', 'node02'));
  await running('hog1');
  await running('hog2');
  apply(hog('waiter', 'node01').replace('nodeSelector: {kubernetes.io/hostname: node01}', 'nodeSelector: {}'));
  const msg = await until('a FailedScheduling event', () => {
    const m = kubectl(['get', 'events', '--field-selector', 'involvedObject.name=waiter,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']).stdout;
    return m ? m : undefined;
  }, 30_000, 500);
  assert.match(msg, /0\/2 nodes are available: 2 Insufficient cpu/);
  assert.equal(phase('waiter'), 'Pending');
  assert.equal(kubectl(['delete', 'pod', 'hog2', '--wait=true', '--timeout=60s']).code, 0);
  await running('waiter');
  assert.equal(jp('pod waiter', '.spec.nodeName'), 'node02');
  assert.equal(kubectl(['delete', 'pod', 'hog1', 'waiter', '--wait=true', '--timeout=60s']).code, 0);
}));

test('graceful deletion delivers SIGTERM; forced deletion removes the pod and kills its processes', { skip, timeout: 120_000 }, () => withLog(async () => {
  apply(`apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  terminationGracePeriodSeconds: 20
  volumes: [{name: host, hostPath: {path: ${hostDir}}}]
  containers:
  - name: main
    image: ${image}
    command: [sh, -c, 'trap "echo got-term > /host/term; exit 0" TERM; while :; do sleep 1; done']
    volumeMounts: [{name: host, mountPath: /host}]
---
apiVersion: v1
kind: Pod
metadata: {name: forced}
spec:
  terminationGracePeriodSeconds: 300
  containers: [{name: main, image: ${image}, command: [sh, -c, 'trap "" TERM; sleep 3607']}]
`);
  await running('graceful');
  await running('forced');
  const started = Date.now();
  assert.equal(kubectl(['delete', 'pod', 'graceful', '--wait=true', '--timeout=60s']).code, 0);
  assert.ok(Date.now() - started < 15_000, 'the container exited on SIGTERM well before its grace period');
  assert.equal(readFileSync(join(hostDir, 'term'), 'utf8'), 'got-term\n');
  const sleepers = (): string => spawnSync('pgrep', ['-f', 'sleep 3607'], { encoding: 'utf8' }).stdout.trim();
  assert.notEqual(sleepers(), '');
  const forced = kubectl(['delete', 'pod', 'forced', '--grace-period=0', '--force']);
  assert.equal(forced.code, 0, forced.out);
  assert.match(kubectl(['get', 'pod', 'forced']).out, /NotFound/);
  await until('the forced pod processes to go', () => (sleepers() === '' ? true : undefined), 30_000, 300);
}));

test('a provisioned PV is reclaimed when its claim is deleted', { skip, timeout: 120_000 }, () => withLog(async () => {
  const pv = jp('pvc e2e-pvc', '.spec.volumeName');
  assert.notEqual(pv, '');
  const path = jp(`pv ${pv}`, '.spec.hostPath.path') || jp(`pv ${pv}`, '.spec.local.path');
  assert.equal(readFileSync(join(path, 'f'), 'utf8'), 'd\n');
  assert.equal(jp(`pv ${pv}`, '.spec.persistentVolumeReclaimPolicy'), 'Delete');
  assert.equal(kubectl(['delete', 'pod', 'vols', 'client', '--wait=true', '--timeout=60s']).code, 0);
  assert.equal(kubectl(['delete', 'pvc', 'e2e-pvc', '--wait=true', '--timeout=60s']).code, 0);
  await until('the PV to be deleted', () => (kubectl(['get', 'pv', pv]).out.includes('NotFound') ? true : undefined), 60_000, 500);
  assert.equal(existsSync(path), false, `${path} removed`);
}));

test('a node agent killed with -9 is restarted and re-adopts its running pod', { skip, timeout: 180_000 }, () => withLog(async () => {
  apply(`apiVersion: v1
kind: Pod
metadata: {name: adopted}
spec:
  nodeSelector: {kubernetes.io/hostname: node01}
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: ${image}
    command: [sh, -c, 'touch /tmp/ready; echo adopted-started; exec sleep 3617']
    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
    livenessProbe: {exec: {command: ["true"]}, periodSeconds: 1}
`);
  const ready = (): string => jp('pod adopted', '.status.conditions[?(@.type=="Ready")].status');
  await running('adopted');
  await until('pod adopted Ready', () => (ready() === 'True' ? true : undefined), 60_000, 300);
  const uid = jp('pod adopted', '.metadata.uid');
  const sleepers = (): string => spawnSync('pgrep', ['-f', 'sleep 3617'], { encoding: 'utf8' }).stdout.trim();
  const before = sleepers();
  assert.notEqual(before, '');
  const startedAt = jp('pod adopted', '.status.containerStatuses[0].state.running.startedAt');
  const agentPid = (): string => spawnSync('pgrep', ['-f', `node-agent.js --kubeconfig ${dataDir}/nodes/node01/`], { encoding: 'utf8' }).stdout.trim();
  const oldAgent = agentPid();
  assert.match(oldAgent, /^\d+$/);
  const readyLines = (): number => (up?.log ?? '').split('\n').filter((l) => l.includes('node-agent: node01 ready')).length;
  const readyBefore = readyLines();

  process.kill(Number(oldAgent), 'SIGKILL');
  await until('a new node01 agent to register', () => (readyLines() > readyBefore ? true : undefined), 90_000, 300);
  const newAgent = agentPid();
  assert.match(newAgent, /^\d+$/);
  assert.notEqual(newAgent, oldAgent);
  assert.equal(sleepers(), before, 'the container kept running (same processes)');
  assert.equal(phase('adopted'), 'Running');
  assert.equal(jp('pod adopted', '.status.containerStatuses[0].restartCount'), '0');
  assert.equal(jp('pod adopted', '.status.containerStatuses[0].state.running.startedAt'), startedAt);
  // Logs and exec reach the new agent (the Node now publishes its new port).
  await until('logs through the new agent', () => (kubectl(['logs', 'adopted']).stdout === 'adopted-started\n' ? true : undefined), 30_000, 500);
  assert.equal(kubectl(['exec', 'adopted', '--', 'echo', 'exec-after-restart']).stdout, 'exec-after-restart\n');
  // The new agent probes the adopted container: readiness follows the file.
  assert.equal(kubectl(['exec', 'adopted', '--', '/bin/busybox', 'rm', '/tmp/ready']).code, 0);
  await until('pod adopted not Ready', () => (ready() === 'False' ? true : undefined), 30_000, 300);
  assert.equal(kubectl(['exec', 'adopted', '--', 'touch', '/tmp/ready']).code, 0);
  await until('pod adopted Ready again', () => (ready() === 'True' ? true : undefined), 30_000, 300);
  assert.equal(jp('pod adopted', '.status.containerStatuses[0].restartCount'), '0');
  assert.equal(sleepers(), before);

  assert.equal(kubectl(['delete', 'pod', 'adopted', '--wait=true', '--timeout=60s']).code, 0);
  // The agents' events (written as system:node:node01): image, created, started, and the kill on delete.
  const events = kubectl(['get', 'events', '--field-selector', `involvedObject.uid=${uid}`, '-o', 'jsonpath={range .items[*]}{.source.component}/{.reason}: {.message}{"\\n"}{end}']).stdout;
  for (const want of [`kubelet/Pulled: Container image "${image}" already present on machine`, 'kubelet/Created: Created container: main', 'kubelet/Started: Started container main', 'kubelet/Killing: Stopping container main']) {
    assert.ok(events.split('\n').includes(want), `event ${want} in\n${events}`);
  }
  await until('the adopted pod processes to go', () => (sleepers() === '' ? true : undefined), 30_000, 300);
  const h = uid.replace(/-/g, '');
  assert.doesNotMatch(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), new RegExp(`kvts-${h.slice(0, 16)}`));
  assert.equal(existsSync(join(dataDir, 'nodes', 'node01', 'pods', uid)), false, 'pod state removed');
  assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(`pods/${uid}`), 'no mount of the pod left');
}));

test('a node whose agent stops posting status goes NotReady (unreachable) and recovers', { skip, timeout: 150_000 }, () => withLog(async () => {
  const agent = spawnSync('pgrep', ['-f', `node-agent.js --kubeconfig ${dataDir}/nodes/node02/`], { encoding: 'utf8' }).stdout.trim();
  assert.match(agent, /^\d+$/);
  const ready = (): string => jp('node node02', '.status.conditions[?(@.type=="Ready")].status');
  const taints = (): string => jp('node node02', '.spec.taints[*].key');
  // A stopped (not dead) agent: `up` does not restart it, and it posts nothing.
  process.kill(Number(agent), 'SIGSTOP');
  try {
    await until('node02 Ready=Unknown', () => (ready() === 'Unknown' ? true : undefined), 90_000, 500);
    assert.equal(jp('node node02', '.status.conditions[?(@.type=="Ready")].message'), 'Kubelet stopped posting node status.');
    assert.match(taints(), /node\.kubernetes\.io\/unreachable/);
    assert.match(kubectl(['get', 'node', 'node02']).stdout, /node02\s+NotReady/);
  } finally {
    process.kill(Number(agent), 'SIGCONT');
  }
  await until('node02 Ready again', () => (ready() === 'True' ? true : undefined), 60_000, 500);
  await until('the unreachable taints lifted', () => (taints().includes('unreachable') ? undefined : true), 30_000, 500);
}));

test('up stops cleanly and leaves no processes, namespaces, veths or mounts behind', { skip, timeout: 120_000 }, () => withLog(async () => {
  apply(`apiVersion: v1
kind: Pod
metadata: {name: leftover}
spec:
  containers: [{name: main, image: ${image}, command: [sleep, '3611']}]
`);
  await running('leftover');
  podUids.push(jp('pod leftover', '.metadata.uid'));
  assert.equal(await up?.stop(), 0, up?.log.slice(-2000));
  assert.equal(spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout.trim(), '', 'no process refers to the data dir');
  assert.equal(spawnSync('pgrep', ['-f', 'sleep 3611'], { encoding: 'utf8' }).stdout.trim(), '');
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });
  for (const uid of podUids) {
    const h = uid.replace(/-/g, '');
    assert.doesNotMatch(netns, new RegExp(`kvts-${h.slice(0, 16)}`), `netns of pod ${uid}`);
    assert.doesNotMatch(links, new RegExp(`kvv${h.slice(0, 12)}`), `veth of pod ${uid}`);
  }
  assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(dataDir), 'no mount under the data dir');
}));
