import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewAdmission } from './review.js';
import { WEBHOOK_PATHS } from './handlers.js';
import { memoryDeps, reviewFor } from './testing.js';
import { applyJSONPatch, clusterConfigFrom, type JSONPatchOperation } from '../api/kubevirt/defaults/index.js';
import { validVMI } from '../api/validation/testing.js';
import type { VirtualMachineInstance } from '../api/kubevirt/vmi.js';

const bareVMI = (): VirtualMachineInstance => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: { name: 'a', namespace: 'default' },
  spec: { domain: { resources: { requests: { memory: '64Mi' } }, devices: { disks: [{ name: 'root' }] } }, volumes: [{ name: 'root', containerDisk: { image: 'img' } }] },
});

test('the VMI mutator answers a base64 JSONPatch that defaults the VMI, which the create validator then accepts', async () => {
  const deps = memoryDeps();
  const vmi = bareVMI();
  const res = (await reviewAdmission(WEBHOOK_PATHS.vmiMutate, reviewFor(vmi), deps)).response!;
  assert.equal(res.allowed, true);
  assert.equal(res.patchType, 'JSONPatch');
  const patch = JSON.parse(Buffer.from(res.patch!, 'base64').toString()) as JSONPatchOperation[];
  const defaulted = applyJSONPatch(vmi, patch);
  assert.ok(defaulted.spec.domain.devices.disks?.[0]?.disk?.bus, 'the disk got a target and a bus');
  assert.deepEqual(defaulted.spec.networks, [{ name: 'default', pod: {} }]);
  const validated = (await reviewAdmission(WEBHOOK_PATHS.vmiCreate, reviewFor(defaulted), deps)).response!;
  assert.deepEqual(validated, { uid: validated.uid, allowed: true });
});

test('the VMI mutator changes nothing on UPDATE, whoever changes spec, status or labels (so it is registered for CREATE only)', async () => {
  const old = validVMI((v) => (v.status = { phase: 'Pending' }));
  const changed = validVMI((v) => {
    v.spec.hostname = 'other';
    v.status = { phase: 'Running' };
    v.metadata!.labels = { 'kubevirt.io/nodeName': 'n1' };
  });
  for (const user of ['alice', 'system:serviceaccount:kubevirt:kubevirt-controller']) {
    const res = (await reviewAdmission(WEBHOOK_PATHS.vmiMutate, reviewFor(changed, 'UPDATE', old, user), memoryDeps())).response!;
    assert.deepEqual(res, { uid: res.uid, allowed: true }, user);
  }
});

test("a VMI update's new object is checked against the schema, its old one only decoded (the API server stored it after that check)", async () => {
  const controller = 'system:serviceaccount:kubevirt:kubevirt-controller';
  const badDisk = (v: VirtualMachineInstance) => ((v.spec.domain.devices.disks![0] as unknown as Record<string, unknown>).bootOrder = 'first');
  const table: [string, Record<string, unknown>, boolean, (string | undefined)?][] = [
    ['old object off-schema', reviewFor(validVMI(), 'UPDATE', validVMI(badDisk), controller), true],
    ['new object off-schema', reviewFor(validVMI(badDisk), 'UPDATE', validVMI(), controller), false, 'spec.domain.devices.disks[0].bootOrder'],
    ['new off-schema, old of another kind: the schema comes first', reviewFor(validVMI(badDisk), 'UPDATE', { kind: 'VirtualMachine' }, controller), false, 'spec.domain.devices.disks[0].bootOrder'],
  ];
  for (const [name, body, allowed, field] of table) {
    const res = (await reviewAdmission(WEBHOOK_PATHS.vmiUpdate, body, memoryDeps())).response!;
    assert.equal(res.allowed, allowed, `${name}: ${res.status?.message ?? ''}`);
    assert.equal(res.status?.details?.causes?.[0]?.field, field, name);
  }
  const noOld = (await reviewAdmission(WEBHOOK_PATHS.vmiUpdate, reviewFor(validVMI(), 'UPDATE', undefined, controller), memoryDeps())).response!;
  assert.deepEqual(noOld.status, { metadata: {}, code: 400, message: 'admission request has no oldObject' });
  const wrongOld = (await reviewAdmission(WEBHOOK_PATHS.vmiUpdate, reviewFor(validVMI(), 'UPDATE', { kind: 'VirtualMachine' }, controller), memoryDeps())).response!;
  assert.equal(wrongOld.status?.message, `expect kind to be 'VirtualMachineInstance', got "VirtualMachine"`);
});

test('a denial carries 422 Invalid, the joined message and one cause per problem with its field', async () => {
  const vmi = validVMI((v) => {
    v.spec.domain.devices.disks!.push({ name: 'rootdisk' });
    v.spec.domain.devices.interfaces![0]!.model = 'igb';
  });
  const res = (await reviewAdmission(WEBHOOK_PATHS.vmiCreate, reviewFor(vmi), memoryDeps())).response!;
  assert.equal(res.allowed, false);
  const m1 = 'interface spec.domain.devices.interfaces[0].name uses model igb that is not supported.';
  const m2 = 'spec.domain.devices.disks[1] and spec.domain.devices.disks[0] must not have the same Name.';
  assert.deepEqual(res.status, {
    metadata: {},
    code: 422,
    reason: 'Invalid',
    message: `${m1}, ${m2}`,
    details: {
      causes: [
        { reason: 'FieldValueNotSupported', message: m1, field: 'spec.domain.devices.interfaces[0].model' },
        { reason: 'FieldValueInvalid', message: m2, field: 'spec.domain.devices.disks[1].name' },
      ],
    },
  });
});

test('schema violations are denied before the rules run', async () => {
  const vmi = validVMI((v) => ((v.spec.domain.devices.disks![0] as unknown as Record<string, unknown>).bootOrder = 'first'));
  const res = (await reviewAdmission(WEBHOOK_PATHS.vmiCreate, reviewFor(vmi), memoryDeps())).response!;
  assert.equal(res.allowed, false);
  assert.equal(res.status?.code, 422);
  assert.equal(res.status?.details?.causes?.[0]?.field, 'spec.domain.devices.disks[0].bootOrder');
});

test('malformed reviews and unknown paths get allowed:false with a 400 status', async () => {
  const deps = memoryDeps();
  const table: [string, string, unknown, string][] = [
    ['not an object', WEBHOOK_PATHS.vmiCreate, 'hello', 'admission review must be a JSON object'],
    ['no request', WEBHOOK_PATHS.vmiCreate, { kind: 'AdmissionReview' }, 'admission review has no request'],
    ['no uid', WEBHOOK_PATHS.vmiCreate, { kind: 'AdmissionReview', request: { operation: 'CREATE' } }, 'admission request has no uid'],
    ['no object', WEBHOOK_PATHS.vmiCreate, { kind: 'AdmissionReview', request: { uid: 'u', operation: 'CREATE' } }, 'admission request has no object'],
    ['wrong kind', WEBHOOK_PATHS.vmiCreate, reviewFor({ kind: 'VirtualMachine', spec: {} }), `expect kind to be 'VirtualMachineInstance', got "VirtualMachine"`],
    ['unknown path', '/nope', reviewFor(validVMI()), 'no admission webhook is served at /nope'],
  ];
  for (const [name, path, body, message] of table) {
    const res = (await reviewAdmission(path, body, deps)).response!;
    assert.equal(res.allowed, false, name);
    assert.deepEqual(res.status, { metadata: {}, code: 400, message }, name);
  }
});

test('a feature gate switched on in the cluster config applies to the next request', async () => {
  const state: { config?: ReturnType<typeof clusterConfigFrom> } = {};
  const deps = memoryDeps(state);
  const vmi = validVMI((v) => (v.spec.domain.devices.autoattachVSOCK = true));
  assert.equal((await reviewAdmission(WEBHOOK_PATHS.vmiCreate, reviewFor(vmi), deps)).response!.allowed, false);
  state.config = clusterConfigFrom({ developerConfiguration: { featureGates: ['VSOCK'] } });
  assert.equal((await reviewAdmission(WEBHOOK_PATHS.vmiCreate, reviewFor(vmi), deps)).response!.allowed, true);
});

test('VMs, replica sets, presets, migrations and VMI updates reach their rules', async () => {
  const running = validVMI((v) => (v.status = { phase: 'Running' }));
  const deps = memoryDeps({ vmis: [running] });
  const template = { metadata: { labels: { app: 'x' } }, spec: validVMI().spec };
  const table: [string, string, Record<string, unknown>, boolean, string?][] = [
    ['VM ok', WEBHOOK_PATHS.vm, reviewFor({ kind: 'VirtualMachine', metadata: { name: 'vm', namespace: 'default' }, spec: { runStrategy: 'Always', template } }), true],
    ['VM without run strategy', WEBHOOK_PATHS.vm, reviewFor({ kind: 'VirtualMachine', metadata: { name: 'vm' }, spec: { template } }), false, 'spec.running'],
    ['replica set selector', WEBHOOK_PATHS.replicaSet, reviewFor({ kind: 'VirtualMachineInstanceReplicaSet', spec: { selector: { matchLabels: { app: 'y' } }, template } }), false, 'spec.selector'],
    ['preset without domain', WEBHOOK_PATHS.preset, reviewFor({ kind: 'VirtualMachineInstancePreset', spec: { selector: {} } }), false, 'spec.domain'],
    ['migration of a running VMI', WEBHOOK_PATHS.migrationCreate, reviewFor({ kind: 'VirtualMachineInstanceMigration', metadata: { name: 'm', namespace: 'default' }, spec: { vmiName: 'testvmi' } }), true],
    ['migration of a missing VMI', WEBHOOK_PATHS.migrationCreate, reviewFor({ kind: 'VirtualMachineInstanceMigration', metadata: { name: 'm', namespace: 'default' }, spec: { vmiName: 'ghost' } }), false, 'spec.vmiName'],
    ['user edits VMI spec', WEBHOOK_PATHS.vmiUpdate, reviewFor(validVMI((v) => (v.spec.hostname = 'x')), 'UPDATE', validVMI()), false],
    ['controller edits VMI spec', WEBHOOK_PATHS.vmiUpdate, reviewFor(validVMI((v) => (v.spec.hostname = 'x')), 'UPDATE', validVMI(), 'system:serviceaccount:kubevirt:kubevirt-controller'), true],
  ];
  for (const [name, path, body, allowed, field] of table) {
    const res = (await reviewAdmission(path, body, deps)).response!;
    assert.equal(res.allowed, allowed, `${name}: ${res.status?.message ?? ''}`);
    if (field) assert.equal(res.status?.details?.causes?.[0]?.field, field, name);
  }
});

test('the migration mutator labels and finalizes the migration', async () => {
  const mig = { kind: 'VirtualMachineInstanceMigration', metadata: { name: 'm', namespace: 'default' }, spec: { vmiName: 'v' } };
  const res = (await reviewAdmission(WEBHOOK_PATHS.migrationMutate, reviewFor(mig), memoryDeps())).response!;
  const out = applyJSONPatch(mig as never, JSON.parse(Buffer.from(res.patch!, 'base64').toString()) as JSONPatchOperation[]) as { metadata: { labels: object; finalizers: string[] } };
  assert.deepEqual(out.metadata.labels, { 'kubevirt.io/vmi-name': 'v' });
  assert.deepEqual(out.metadata.finalizers, ['kubevirt.io/migrationJobFinalize']);
});
