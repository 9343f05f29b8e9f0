/**
 * The VM lifecycle under `kubevirt-ts up --nodes 2` with real kubectl, libvirtd and QEMU (emulation),
 * one cluster for the file, in a data dir long enough that launcher sockets are dialled through
 * short links: kill -9 of a launcher fails its VMI and RerunOnFailure starts a new one; a VM that
 * fits no node is ErrorUnschedulable; kill -9 of virt-handler leaves the guest running and the new
 * handler re-attaches; a stopped handler makes its node unschedulable and its pod-less VMI Failed
 * with NodeUnresponsive. Heartbeats every 2 s (KUBEVIRT_TS_HEARTBEAT_SECONDS), timeout 10 s.
 * `kubevirt-ts status` reports the cluster ready (exit 0), then degraded (exit 2) while a handler is stopped.
 * kill -9 of the virt-controller, virt-api and kube-scheduler processes: all come back (virt-api on the
 * port its webhooks are registered at, virt-controller and kube-scheduler on their own Leases) and a
 * new VMI is defaulted, scheduled and runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { until } from '../fixtures/wait.js';
import { root, stackSkip as missing, UpCluster, vmiSpec } from './harness.js';

let c: UpCluster | undefined;

before(async () => {
  if (missing) return;
  // A data dir whose launcher socket paths exceed 107 bytes: the handler must dial them through a short link.
  c = await UpCluster.start({ nodes: 2, env: { KUBEVIRT_TS_HEARTBEAT_SECONDS: '2' }, dataDirPrefix: '/var/tmp/kv-lifecycle-a-long-data-directory-for-socket-paths-' });
});

after(async () => {
  if (!c) return;
  const code = await c.stop();
  assert.equal(code, 0, c.log.slice(-2000));
  assert.doesNotMatch(c.log, /forbidden/i, 'no component was refused by RBAC');
});

const cluster = (): UpCluster => {
  if (!c) throw new Error('cluster not started');
  return c;
};

/** Runs `fn`, adding up's log to any failure. */
async function withLog(fn: (c: UpCluster) => Promise<void>): Promise<void> {
  try {
    await fn(cluster());
  } catch (e) {
    throw cluster().withLog(e);
  }
}

/** The launcher's node process (not the sh wrapper around it, whose argv also names the script), in one of this cluster's pods. */
const launcherOf = (c: UpCluster, name: string): number => {
  const pids = c.podProcesses(new RegExp(`virt-launcher\\.js .*--name ${name} `));
  if (pids.length !== 1) throw new Error(`expected one launcher of ${name}, found ${pids.length}`);
  return pids[0]!;
};
/** QEMU is libvirtd's child, which may have left the process tree: found by its guest name among this cluster's pod processes. */
const qemuOf = (c: UpCluster, name: string): string[] => c.podProcesses(new RegExp(`guest=default_${name},`)).map(String);

interface StatusJson {
  state: string;
  up?: { pid: number };
  apiServer?: { url: string; ready: boolean };
  nodes: { name: string; ready: boolean }[];
  components: { name: string; node?: string; ready: boolean; message: string }[];
  vmis: Record<string, number>;
  vms: Record<string, number>;
  problems: string[];
}

/** `kubevirt-ts status --output json` for this cluster's data dir: its exit code and report. */
function status(c: UpCluster): { code: number | null; report: StatusJson } {
  const r = spawnSync(process.execPath, [join(root, 'bin/kubevirt-ts.js'), 'status', '--data-dir', c.dataDir, '-o', 'json'], { encoding: 'utf8', timeout: 60_000 });
  try {
    return { code: r.status, report: JSON.parse(r.stdout) as StatusJson };
  } catch {
    throw new Error(`kubevirt-ts status printed no report (exit ${String(r.status)}): ${r.stdout}${r.stderr}`);
  }
}

test('kubevirt-ts status: the up process, API server, both nodes and every KubeVirt component ready (exit 0)', { skip: missing, timeout: 120_000 }, () =>
  withLog(async (c) => {
    // Handlers may still be sending their first heartbeats right after start-up.
    const { code, report } = await until('status ready', () => {
      const s = status(c);
      return s.code === 0 ? s : undefined;
    }, 60_000, 1000).catch((e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify(status(c).report)}`);
    });
    assert.equal(code, 0);
    assert.equal(report.state, 'Running');
    assert.equal(report.up?.pid, c.pid);
    assert.equal(report.apiServer?.ready, true);
    assert.deepEqual(report.nodes.map((n) => [n.name, n.ready]), [['node01', true], ['node02', true]]);
    assert.deepEqual(report.components.map((x) => [x.name, x.node ?? '', x.ready]), [['virt-api', '', true], ['virt-controller', '', true], ['kube-scheduler', '', true], ['virt-handler', 'node01', true], ['virt-handler', 'node02', true]]);
    const text = spawnSync(process.execPath, [join(root, 'bin/kubevirt-ts.js'), 'status', '--data-dir', c.dataDir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(text.status, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /^kubevirt-ts: running \(up pid \d+, Running since /);
    assert.match(text.stdout, new RegExp(`^kubeconfig: ${c.dataDir}/kubeconfig$`, 'm'));
    assert.match(text.stdout, /^virt-handler\s+node02\s+true\s+heartbeat \d+s ago$/m);
  }),
);

test('kill -9 of a launcher: its VMI fails and RerunOnFailure starts a new one; the old QEMU does not outlive it', { skip: missing, timeout: 240_000 }, () =>
  withLog(async (c) => {
    c.apply({
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'lc-rerun' },
      spec: { runStrategy: 'RerunOnFailure', template: { metadata: { labels: { app: 'lc-rerun' } }, spec: vmiSpec() } },
    });
    await c.waitFor('vmi', 'lc-rerun', '.status.phase', 'Running', 150_000);
    await c.waitFor('vm', 'lc-rerun', '.status.printableStatus', 'Running', 30_000);
    const firstUid = c.jsonpath('vmi', 'lc-rerun', '.metadata.uid');
    assert.ok(Buffer.byteLength(c.dataDir) > 60, 'long data dir');

    const firstQemus = qemuOf(c, 'lc-rerun');
    assert.equal(firstQemus.length, 1, 'one QEMU runs the guest');
    process.kill(launcherOf(c, 'lc-rerun'), 'SIGKILL');
    // The node agent kills what the dead launcher left in its container's cgroup: libvirtd and QEMU.
    await until("the killed launcher's QEMU gone", () => (qemuOf(c, 'lc-rerun').some((p) => firstQemus.includes(p)) ? undefined : true), 60_000, 250);
    await until('first VMI Failed', () => {
      const uid = c.jsonpath('vmi', 'lc-rerun', '.metadata.uid');
      const phase = c.jsonpath('vmi', 'lc-rerun', '.status.phase');
      return uid !== firstUid || phase === 'Failed' ? true : undefined;
    }, 60_000, 250);
    await until('a new VMI Running', () => {
      const uid = c.jsonpath('vmi', 'lc-rerun', '.metadata.uid');
      return uid && uid !== firstUid && c.jsonpath('vmi', 'lc-rerun', '.status.phase') === 'Running' ? true : undefined;
    }, 150_000, 500);
    const events = c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=lc-rerun', '-o', 'jsonpath={.items[*].reason}']).out;
    assert.match(events, /SuccessfulDelete|SuccessfulCreate/);
    const newQemus = qemuOf(c, 'lc-rerun').filter((p) => !firstQemus.includes(p));
    assert.equal(newQemus.length, 1, 'the new VMI runs in a new QEMU');
    const counted = status(c).report;
    assert.ok((counted.vmis.Running ?? 0) >= 1 && (counted.vms.Running ?? 0) >= 1, `status counts the running VM and VMI: ${JSON.stringify(counted)}`);
    assert.equal(c.kubectl(['delete', 'vm', 'lc-rerun', '--wait', '--timeout=120s']).code, 0);
    await until('the new QEMU gone', () => (qemuOf(c, 'lc-rerun').some((p) => newQemus.includes(p)) ? undefined : true), 60_000, 250);
  }),
);

test('each node is labelled with what it can run under emulation and advertises the KubeVirt devices', { skip: missing, timeout: 30_000 }, () =>
  withLog(async (c) => {
    for (const node of ['node01', 'node02']) {
      assert.equal(c.jsonpath('node', node, '.metadata.labels.cpu-model\\.node\\.kubevirt\\.io/qemu64'), 'true');
      assert.equal(c.jsonpath('node', node, '.metadata.labels.cpu-model\\.node\\.kubevirt\\.io/Haswell'), '', 'not offered under TCG');
      assert.match(c.jsonpath('node', node, '.metadata.labels'), /machine-type\.node\.kubevirt\.io\/pc-q35-/);
      assert.equal(c.jsonpath('node', node, '.status.capacity.devices\\.kubevirt\\.io/kvm'), '1000');
      assert.equal(c.jsonpath('node', node, '.status.allocatable.devices\\.kubevirt\\.io/tun'), '1000');
    }
  }),
);

test('a VM whose VMI fits no node is ErrorUnschedulable', { skip: missing, timeout: 120_000 }, () =>
  withLog(async (c) => {
    c.apply({
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'lc-nowhere' },
      spec: { runStrategy: 'Always', template: { spec: vmiSpec({ nodeSelector: { 'example.com/no-such-node': 'true' } }) } },
    });
    await c.waitFor('vm', 'lc-nowhere', '.status.printableStatus', 'ErrorUnschedulable', 60_000);
    assert.equal(c.jsonpath('vmi', 'lc-nowhere', '.status.conditions[?(@.type=="PodScheduled")].reason'), 'Unschedulable');
    assert.equal(c.kubectl(['delete', 'vm', 'lc-nowhere', '--wait', '--timeout=60s']).code, 0);
  }),
);

test('kill -9 of virt-handler: the guest keeps running, the new handler re-attaches and shuts it down on delete', { skip: missing, timeout: 240_000 }, () =>
  withLog(async (c) => {
    c.apply({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'lc-survivor' }, spec: vmiSpec({ nodeSelector: { 'kubernetes.io/hostname': 'node01' } }) });
    await c.waitFor('vmi', 'lc-survivor', '.status.phase', 'Running', 150_000);
    const [qemu] = qemuOf(c, 'lc-survivor');
    assert.ok(qemu, 'a QEMU runs the guest');
    const handler = c.descendant(/virt-handler\.js .*--node-name node01 /);
    process.kill(handler, 'SIGKILL');
    await until('a new virt-handler for node01', () => {
      const pids = c.descendants(/virt-handler\.js .*--node-name node01 /);
      return pids.length === 1 && pids[0] !== handler ? true : undefined;
    }, 30_000, 200);
    await until('the new handler watches', () => (c.log.split('watching VMIs on node node01').length > 2 ? true : undefined), 30_000, 200);
    assert.deepEqual(qemuOf(c, 'lc-survivor'), [qemu], 'the same QEMU still runs');
    assert.equal(c.jsonpath('vmi', 'lc-survivor', '.status.phase'), 'Running');
    // The new handler is attached to the launcher: it shuts the guest down gracefully on delete.
    assert.equal(c.kubectl(['delete', 'vmi', 'lc-survivor', '--wait', '--timeout=120s']).code, 0);
    await until('QEMU gone', () => (qemuOf(c, 'lc-survivor').length === 0 ? true : undefined), 60_000, 250);
  }),
);

test('a stopped virt-handler: its node turns unschedulable and its VMI without a live launcher fails with NodeUnresponsive', { skip: missing, timeout: 240_000 }, () =>
  withLog(async (c) => {
    c.apply({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'lc-orphan' }, spec: vmiSpec({ nodeSelector: { 'kubernetes.io/hostname': 'node02' } }) });
    await c.waitFor('vmi', 'lc-orphan', '.status.phase', 'Running', 150_000);
    assert.equal(c.jsonpath('node', 'node02', '.metadata.labels.kubevirt\\.io/schedulable'), 'true');
    const orphanQemus = qemuOf(c, 'lc-orphan');
    const handler = c.descendant(/virt-handler\.js .*--node-name node02 /);
    process.kill(handler, 'SIGSTOP');
    try {
      // With no handler to notice, the launcher dies: only the node controller can end the VMI.
      process.kill(launcherOf(c, 'lc-orphan'), 'SIGKILL');
      await c.waitFor('node', 'node02', '.metadata.labels.kubevirt\\.io/schedulable', 'false', 60_000);
      await c.waitFor('vmi', 'lc-orphan', '.status.reason', 'NodeUnresponsive', 60_000);
      assert.equal(c.jsonpath('vmi', 'lc-orphan', '.status.phase'), 'Failed');
      assert.equal(c.jsonpath('node', 'node01', '.metadata.labels.kubevirt\\.io/schedulable'), 'true', 'the other node is untouched');
      const degraded = status(c);
      assert.equal(degraded.code, 2, JSON.stringify(degraded.report));
      assert.equal(degraded.report.state, 'Degraded');
      assert.deepEqual(degraded.report.components.filter((x) => !x.ready).map((x) => [x.name, x.node]), [['virt-handler', 'node02']]);
      await until("the killed launcher's QEMU gone", () => (qemuOf(c, 'lc-orphan').some((p) => orphanQemus.includes(p)) ? undefined : true), 60_000, 250);
    } finally {
      process.kill(handler, 'SIGCONT');
    }
    // The handler heartbeats again: the node is schedulable again.
    await c.waitFor('node', 'node02', '.metadata.labels.kubevirt\\.io/schedulable', 'true', 30_000);
    assert.equal(c.kubectl(['delete', 'vmi', 'lc-orphan', '--wait', '--timeout=60s']).code, 0);
  }),
);

/** How many times `text` occurs in up's log. */
const logCount = (c: UpCluster, text: string): number => c.log.split(text).length - 1;

test('kill -9 of virt-controller, virt-api and kube-scheduler: all restart, and a VMI created afterwards is defaulted, scheduled and runs', { skip: missing, timeout: 240_000 }, () =>
  withLog(async (c) => {
    const webhookUrl = () => c.kubectl(['get', 'mutatingwebhookconfiguration', 'virt-api-mutator', '-o', 'jsonpath={.webhooks[?(@.name=="virtualmachineinstances-mutator.kubevirt.io")].clientConfig.url}']).out;
    const lease = (ns: string, name: string) => c.kubectl(['get', 'lease', '-n', ns, name, '-o', 'jsonpath={.spec.holderIdentity} {.spec.leaseTransitions}']).out;
    const urlBefore = webhookUrl();
    const port = /^https:\/\/127\.0\.0\.1:(\d+)\//.exec(urlBefore)?.[1];
    assert.ok(port, `webhook URL ${urlBefore}`);
    const [leaseBefore, schedLeaseBefore] = [lease('kubevirt', 'virt-controller'), lease('kube-system', 'kube-scheduler')];
    assert.match(schedLeaseBefore, /^kube-scheduler-\S+ 0$/);
    const scheduling = 'kube-scheduler: kube-scheduler started';
    const [serving, started, scheduled] = [logCount(c, `virt-api: virt-api serving on https://127.0.0.1:${port}`), logCount(c, 'virt-controller: virt-controller started'), logCount(c, scheduling)];
    const ctl = c.descendant(/virt-controller\.js /);
    const api = c.descendant(/virt-api\.js /);
    const sched = c.descendant(/kube-scheduler\.js /);
    for (const pid of [ctl, api, sched]) process.kill(pid, 'SIGKILL');
    await until('a new virt-controller, virt-api and kube-scheduler', () => {
      const [ctls, apis, scheds] = [c.descendants(/virt-controller\.js /), c.descendants(/virt-api\.js /), c.descendants(/kube-scheduler\.js /)];
      return ctls.length === 1 && ctls[0] !== ctl && apis.length === 1 && apis[0] !== api && scheds.length === 1 && scheds[0] !== sched ? true : undefined;
    }, 30_000, 200);
    await until('virt-api serving again on its registered port', () => (logCount(c, `virt-api: virt-api serving on https://127.0.0.1:${port}`) > serving ? true : undefined), 60_000, 200);
    await until('virt-controller leading again', () => (logCount(c, 'virt-controller: virt-controller started') > started ? true : undefined), 60_000, 200);
    await until('kube-scheduler scheduling again', () => (logCount(c, scheduling) > scheduled ? true : undefined), 60_000, 200);
    assert.equal(webhookUrl(), urlBefore, 'the webhook registration still points at virt-api');
    assert.equal(lease('kubevirt', 'virt-controller'), leaseBefore, 'the restarted virt-controller renewed its own Lease (same holder, no transition)');
    assert.equal(lease('kube-system', 'kube-scheduler'), schedLeaseBefore, 'the restarted kube-scheduler renewed its own Lease');
    c.apply({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'lc-after-restart' }, spec: vmiSpec() });
    assert.equal(c.jsonpath('vmi', 'lc-after-restart', '.spec.domain.machine.type'), 'q35', "virt-api's mutating webhook defaulted the machine type");
    await c.waitFor('vmi', 'lc-after-restart', '.status.phase', 'Running', 150_000);
    assert.equal(c.kubectl(['delete', 'vmi', 'lc-after-restart', '--wait', '--timeout=120s']).code, 0);
  }),
);
