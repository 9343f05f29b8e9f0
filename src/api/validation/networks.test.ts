import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, withGates, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { Interface, Network } from '../kubevirt/interfaces.js';
import type { ValidationConfig } from './cause.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[], config?: ValidationConfig];
const I = 'spec.domain.devices.interfaces';
const iface0 = (v: VirtualMachineInstance): Interface => v.spec.domain.devices.interfaces![0]!;
const add = (i: Interface, n?: Network) => (v: VirtualMachineInstance) => {
  v.spec.domain.devices.interfaces!.push(i);
  if (n) v.spec.networks!.push(n);
};

const cases: Case[] = [
  ['pod masquerade plus multus bridge', add({ name: 'sec', bridge: {} }, { name: 'sec', multus: { networkName: 'ns/br' } }), []],
  ['two pod networks', add({ name: 'p2', masquerade: {} }, { name: 'p2', pod: {} }), [['spec.interfaces', 'more than one interface is connected to a pod network in spec.interfaces']]],
  ['network without a type', add({ name: 'x', bridge: {} }, { name: 'x' }), [['spec.networks[1]', 'should have a network type']]],
  ['network with two types', (v) => { v.spec.networks![0]!.multus = { networkName: 'a' }; }, [['spec.networks[0]', 'should have only one network type']]],
  ['multus without networkName', add({ name: 'm', bridge: {} }, { name: 'm', multus: { networkName: '' } }), [['spec.networks[1]', 'CNI delegating plugin must have a networkName']]],
  ['pod and multus default', add({ name: 'm', bridge: {} }, { name: 'm', multus: { networkName: 'a', default: true } }), [['spec.networks', 'Pod network cannot be defined when Multus default network is defined']]],
  ['masquerade on multus', add({ name: 'm', masquerade: {} }, { name: 'm', multus: { networkName: 'a' } }), [[`${I}[1].name`, 'Masquerade interface only implemented with pod network']]],
  ['reserved MAC with masquerade', (v) => { iface0(v).macAddress = '02:00:00:00:00:00'; }, [[`${I}[0].macAddress`, 'The requested MAC address is reserved for the in-pod bridge. Please choose another one.']]],
  ['bridge on pod network not permitted', (v) => { iface0(v).masquerade = undefined; iface0(v).bridge = {}; }, [[`${I}[0].name`, 'Bridge on pod network configuration is not enabled under kubevirt-config']], configWith({ network: { permitBridgeInterfaceOnPodNetwork: false } })],
  ['bridge on pod network permitted by default', (v) => { iface0(v).masquerade = undefined; iface0(v).bridge = {}; }, []],
  ['binding plugin plus binding method', (v) => { iface0(v).binding = { name: 'x' }; }, [[`${I}[0].binding`, 'logical default interface cannot have both binding plugin and interface binding method']]],
  ['slirp discontinued', (v) => { iface0(v).masquerade = undefined; iface0(v).slirp = {}; }, [[`${I}[0].slirp`, 'Slirp interface support has been discontinued since v1.3']]],
  ['passt discontinued', (v) => { iface0(v).masquerade = undefined; iface0(v).passt = {}; }, [[`${I}[0].passt`, 'Passt network binding has been discontinued since v1.3']]],
  ['macvtap needs gate and multus', (v) => { iface0(v).masquerade = undefined; iface0(v).macvtap = {}; }, [[`${I}[0].name`, 'Macvtap interface only implemented with Multus network']], withGates('Macvtap')],
  ['unsupported state', (v) => { iface0(v).state = 'down'; }, [[`${I}[0].state`, 'logical default interface state value is unsupported: down']]],
  ['absent state needs bridge', (v) => { iface0(v).state = 'absent'; }, [
    [`${I}[0].state`, `"default" interface's state "absent" is supported only for bridge binding`],
    [`${I}[0].state`, `"default" interface's state "absent" is not supported on default networks`],
  ]],
  // The later network of a name wins the lookup, as in upstream's map index.
  ['duplicate network name', (v) => { v.spec.networks!.push({ name: 'default', multus: { networkName: 'a' } }); }, [[`${I}[0].name`, 'Masquerade interface only implemented with pod network'], ['spec.networks[1].name', 'Network with name "default" already exists, every network must have a unique name']]],
  ['network without interface', (v) => { v.spec.networks!.push({ name: 'lonely', multus: { networkName: 'a' } }); }, [['spec.networks[1].name', "spec.networks[1].name 'lonely' not found."]]],
  ['interface without network', add({ name: 'nonet', bridge: {} }), [[`${I}[1].name`, `${I}[1].name 'nonet' not found.`]]],
  ['duplicate interface', add({ name: 'default', masquerade: {} }), [[`${I}[1].name`, 'Only one interface can be connected to one specific network']]],
  ['bad interface name', (v) => { iface0(v).name = 'a.b'; v.spec.networks![0]!.name = 'a.b'; }, [[`${I}[0].name`, 'Network interface name can only contain alphabetical characters, numbers, dashes (-) or underscores (_)']]],
  ['unsupported model', (v) => { iface0(v).model = 'igb'; }, [[`${I}[0].model`, `interface ${I}[0].name uses model igb that is not supported.`]]],
  ['malformed MAC', (v) => { iface0(v).macAddress = 'de:ad:be:ef'; }, [[`${I}[0].macAddress`, `interface ${I}[0].name has malformed MAC address (de:ad:be:ef).`]]],
  ['dashed MAC ok', (v) => { iface0(v).macAddress = 'DE-AD-00-00-BE-AF'; }, []],
  ['MAC too long', (v) => { iface0(v).macAddress = '00:00:00:00:fe:80:00:00'; }, [[`${I}[0].macAddress`, `interface ${I}[0].name has MAC address (00:00:00:00:fe:80:00:00) that is too long.`]]],
  ['malformed PCI address', (v) => { iface0(v).pciAddress = '0000:81:01'; }, [[`${I}[0].pciAddress`, `interface ${I}[0].name has malformed PCI address (0000:81:01).`]]],
  ['ports', (v) => { iface0(v).ports = [{ name: 'http', port: 80 }, { name: 'http', port: 0, protocol: 'SCTP' as never }, { name: 'Bad_Name', port: 70000 }]; }, [
    [`${I}[0].ports[1].name`, 'Duplicate name of the port: http'],
    [`${I}[0].ports[2].name`, 'Invalid name of the port: Bad_Name'],
    [`${I}[0].ports[1]`, 'Port field is mandatory.'],
    [`${I}[0].ports[1].protocol`, 'Unknown protocol, only TCP or UDP allowed'],
    [`${I}[0].ports[2]`, 'Port field must be in range 0 < x < 65536.'],
  ]],
];

test('interface and network rules: field path and message of each cause', () => {
  for (const [name, mod, want, config] of cases) assertCauses(validateVMI(validVMI(mod), config ?? configWith()), want, name);
});
