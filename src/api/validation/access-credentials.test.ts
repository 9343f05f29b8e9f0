import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { AccessCredential } from '../kubevirt/vmi-spec.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[]];
const A = 'spec.accessCredentials[0]';
const secret = { secret: { secretName: 'keys' } };
const withCred = (c: AccessCredential, noCloud = false) => (v: VirtualMachineInstance) => {
  v.spec.accessCredentials = [c];
  if (noCloud) {
    v.spec.volumes!.push({ name: 'ci', cloudInitNoCloud: { userData: '#cloud-config' } });
    v.spec.domain.devices.disks!.push({ name: 'ci', disk: {} });
  }
};

const cases: Case[] = [
  ['ssh via noCloud with its volume', withCred({ sshPublicKey: { source: secret, propagationMethod: { noCloud: {} } } }, true), []],
  ['ssh via guest agent', withCred({ sshPublicKey: { source: secret, propagationMethod: { qemuGuestAgent: { users: ['root'] } } } }), []],
  ['noCloud without its volume', withCred({ sshPublicKey: { source: secret, propagationMethod: { noCloud: {} } } }), [[`${A}.sshPublicKey.propagationMethod`, `${A} requires a noCloud volume to exist when the noCloud propagationMethod is in use.`]]],
  ['configDrive without its volume', withCred({ sshPublicKey: { source: secret, propagationMethod: { configDrive: {} } } }), [[`${A}.sshPublicKey.propagationMethod`, `${A} requires a configDrive volume to exist when the configDrive propagationMethod is in use.`]]],
  ['guest agent without users', withCred({ sshPublicKey: { source: secret, propagationMethod: { qemuGuestAgent: { users: [] } } } }), [[`${A}.sshPublicKey.propagationMethod.qemuGuestAgent.users`, `${A} requires at least one user to be present in the users list`]]],
  ['no source, two methods', withCred({ sshPublicKey: { source: {}, propagationMethod: { noCloud: {}, qemuGuestAgent: { users: ['a'] } } } }, true), [
    [`${A}.sshPublicKey.source`, `${A} must have exactly one source set`],
    [`${A}.sshPublicKey.propagationMethod`, `${A} must have exactly one propagationMethod set`],
  ]],
  ['password without method', withCred({ userPassword: { source: secret, propagationMethod: {} } }), [[`${A}.userPassword.propagationMethod`, `${A} must have exactly one propagationMethod set`]]],
  ['no credential type', withCred({}), [[A, `${A} must have exactly one access credential type set`]]],
];

test('access credential rules: field path and message of each cause', () => {
  for (const [name, mod, want] of cases) assertCauses(validateVMI(validVMI(mod), configWith()), want, name);
});
