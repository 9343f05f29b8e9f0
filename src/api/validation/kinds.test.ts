import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateVMIUpdate } from './vmi.js';
import { validateReplicaSet } from './replicaset.js';
import { validateMigration, type MigrationLookups } from './migration.js';
import { validatePreset } from './preset.js';
import { assertCauses, configWith, validVMI } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { VirtualMachineInstanceReplicaSet } from '../kubevirt/replicaset.js';
import type { VirtualMachineInstanceMigration } from '../kubevirt/migration.js';
import type { LabelSelector } from '../kubevirt/core.js';

const controller = { username: 'system:serviceaccount:kubevirt:kubevirt-controller', kubevirtServiceAccounts: ['system:serviceaccount:kubevirt:kubevirt-controller'] };
const user = { username: 'alice', kubevirtServiceAccounts: controller.kubevirtServiceAccounts };

test('VMI updates: spec, status and reserved labels only for kubevirt-ts service accounts', () => {
  const old = validVMI((v) => (v.status = { phase: 'Running' }));
  const table: [string, (v: VirtualMachineInstance) => void, typeof user, [string, string][]][] = [
    ['user changes a plain label', (v) => (v.metadata!.labels = { app: 'x' }), user, []],
    ['user changes the spec', (v) => (v.spec.hostname = 'other'), user, [['', 'update of VMI object is restricted']]],
    ['user changes the status', (v) => (v.status = { phase: 'Failed' }), user, [['status', 'update of VMI status is restricted']]],
    ['user sets a reserved label', (v) => (v.metadata!.labels = { 'kubevirt.io/nodeName': 'n' }), user, [['', 'modification of kubevirt.io/ labels on a VMI object is restricted']]],
    ['controller changes spec and status', (v) => { v.spec.hostname = 'h'; v.status = { phase: 'Failed' }; }, controller, []],
  ];
  for (const [name, mod, who, want] of table) {
    const next = structuredClone(old);
    mod(next);
    assertCauses(validateVMIUpdate(old, next, who), want, name);
  }
});

test('replica sets: template validated and matched by the selector', () => {
  const rs = (selector: LabelSelector, labels: Record<string, string>): VirtualMachineInstanceReplicaSet => ({
    kind: 'VirtualMachineInstanceReplicaSet',
    metadata: { name: 'rs', namespace: 'default' },
    spec: { replicas: 2, selector, template: { metadata: { labels }, spec: validVMI().spec } },
  });
  const table: [string, VirtualMachineInstanceReplicaSet, [string, string][]][] = [
    ['matching', rs({ matchLabels: { app: 'a' } }, { app: 'a' }), []],
    ['expression match', rs({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }, { app: 'b' }), []],
    ['not matching', rs({ matchLabels: { app: 'a' } }, { app: 'b' }), [['spec.selector', 'selector does not match labels.']]],
    ['bad operator', rs({ matchExpressions: [{ key: 'app', operator: 'Near' as never }] }, {}), [['spec.selector', '"Near" is not a valid label selector operator']]],
    ['In without values', rs({ matchExpressions: [{ key: 'app', operator: 'In' }] }, {}), [['spec.selector', "for 'in', 'notin' operators, values set can't be empty"]]],
  ];
  for (const [name, obj, want] of table) assertCauses(validateReplicaSet(obj, configWith()), want, name);
  const broken = rs({ matchLabels: { app: 'a' } }, { app: 'a' });
  broken.spec.template.spec!.domain.devices.disks![0]!.serial = 'no spaces';
  assert.deepEqual(validateReplicaSet(broken, configWith()).map((e) => e.field), ['spec.template.spec.domain.devices.disks[0].serial']);
});

test('migrations: the VMI exists, is not final, is migratable and has no migration in flight', () => {
  const mig = (vmiName: string, uid = 'new'): VirtualMachineInstanceMigration => ({ kind: 'VirtualMachineInstanceMigration', metadata: { name: 'm', namespace: 'ns', uid }, spec: { vmiName } });
  const vmis: Record<string, VirtualMachineInstance> = {
    'ns/running': validVMI((v) => (v.status = { phase: 'Running' })),
    'ns/done': validVMI((v) => (v.status = { phase: 'Succeeded' })),
    'ns/pinned': validVMI((v) => (v.status = { phase: 'Running', conditions: [{ type: 'LiveMigratable', status: 'False', reason: 'DisksNotLiveMigratable', message: 'local disk' }] })),
    'ns/busy': validVMI((v) => (v.status = { phase: 'Running' })),
  };
  const lookups: MigrationLookups = {
    vmi: (ns, name) => vmis[`${ns}/${name}`],
    migrationsFor: (_ns, name) => (name === 'busy' ? [{ ...mig('busy', 'old'), status: { phase: 'Running' } }, { ...mig('busy', 'older'), status: { phase: 'Failed' } }] : []),
  };
  const table: [string, VirtualMachineInstanceMigration, [string, string][]][] = [
    ['running VMI', mig('running'), []],
    ['no name', mig(''), [['spec.vmiName', 'vmiName is missing']]],
    ['missing VMI', mig('ghost'), [['spec.vmiName', 'the VMI "ns/ghost" does not exist']]],
    ['finished VMI', mig('done'), [['spec.vmiName', 'Cannot migrate VMI in finalized state.']]],
    ['not migratable', mig('pinned'), [['spec.vmiName', 'Cannot migrate VMI, Reason: DisksNotLiveMigratable, Message: local disk']]],
    ['in flight', mig('busy'), [['spec.vmiName', 'in-flight migration detected. Active migration job (old) is currently already in progress for VMI busy.']]],
  ];
  for (const [name, m, want] of table) assertCauses(validateMigration(m, lookups), want, name);
});

test('presets: a domain with valid disks and firmware', () => {
  const table: [string, unknown, [string, string][]][] = [
    ['valid', { domain: { devices: { disks: [{ name: 'a', cdrom: { bus: 'sata' } }] }, firmware: { bootloader: { efi: {} } } } }, []],
    ['missing domain', { selector: {} }, [['spec.domain', 'missing domain.']]],
    ['bad disk and firmware', { domain: { devices: { disks: [{ name: 'a', cdrom: { bus: 'virtio' } }] }, firmware: { bootloader: { efi: {}, bios: {} } } } }, [
      ['spec.domain.devices.disks[0].cdrom.bus', 'Bus type virtio is invalid for CD-ROM device'],
      ['spec.domain.firmware.bootloader', 'spec.domain.firmware.bootloader has both EFI and BIOS configured, but they are mutually exclusive.'],
    ]],
  ];
  for (const [name, spec, want] of table) assertCauses(validatePreset({ kind: 'VirtualMachineInstancePreset', spec: spec as never }), want, name);
});
