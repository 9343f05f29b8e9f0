/**
 * Interface and network rules (upstream pkg/network/admitter): one pod network, one source per
 * network, multus network names, interface state, bindings per network type, discontinued
 * bindings, unique names, interfaces matched to networks both ways, name format, models, MAC and
 * PCI addresses, and ports of pod-network interfaces.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { Interface, Network } from '../kubevirt/interfaces.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { cause, gateOn, invalidCause, isValidPciAddress, isValidPortName, notSupportedCause, parseMAC, requiredCause, type ValidationConfig } from './cause.js';

type Spec = VirtualMachineInstanceSpec;
const VALID_MODELS = ['e1000', 'e1000e', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio'];
/** The MAC of the in-pod bridge masquerade uses; guests may not take it. */
const RESERVED_MAC = [2, 0, 0, 0, 0, 0];

const ifacesOf = (spec: Spec): readonly Interface[] => spec.domain?.devices?.interfaces ?? [];
const networksOf = (spec: Spec): readonly Network[] => spec.networks ?? [];

function validateNetworkSources(field: FieldPath, spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const nets = networksOf(spec);
  const pods = nets.filter((n) => n.pod);
  const multusDefaults = nets.filter((n) => n.multus?.default);
  if (pods.length > 1) errs.push(cause('FieldValueDuplicate', field.child('interfaces'), `more than one interface is connected to a pod network in ${String(field.child('interfaces'))}`));
  if (multusDefaults.length > 1) errs.push(invalidCause(field.child('networks'), 'Multus CNI should only have one default network'));
  if (pods.length > 0 && multusDefaults.length > 0) errs.push(invalidCause(field.child('networks'), 'Pod network cannot be defined when Multus default network is defined'));
  nets.forEach((n, i) => {
    if (!n.pod && !n.multus) errs.push(requiredCause(field.child('networks').index(i), 'should have a network type'));
    else if (n.pod && n.multus) errs.push(requiredCause(field.child('networks').index(i), 'should have only one network type'));
  });
  const noName = nets.findIndex((n) => n.multus && !n.multus.networkName);
  if (noName >= 0) errs.push(requiredCause(field.child('networks').index(noName), 'CNI delegating plugin must have a networkName'));
  return errs;
}

function validateInterfaceState(f: FieldPath, iface: Interface, defaultNetwork: Network | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const state = (iface.state as string | undefined) ?? '';
  if (state !== '' && state !== 'absent') errs.push(invalidCause(f.child('state'), `logical ${iface.name} interface state value is unsupported: ${state}`));
  if (state === 'absent' && !iface.bridge) errs.push(invalidCause(f.child('state'), `"${iface.name}" interface's state "absent" is supported only for bridge binding`));
  if (state === 'absent' && defaultNetwork?.name === iface.name) {
    errs.push(invalidCause(f.child('state'), `"${iface.name}" interface's state "absent" is not supported on default networks`));
  }
  return errs;
}

function validateBinding(f: FieldPath, iface: Interface, net: Network | undefined, config: ValidationConfig): FieldError[] {
  const errs: FieldError[] = [];
  if (iface.binding && (iface.bridge || iface.masquerade || iface.sriov || iface.passtBinding)) {
    errs.push(invalidCause(f.child('binding'), `logical ${iface.name} interface cannot have both binding plugin and interface binding method`));
  }
  if (iface.masquerade && !net?.pod) errs.push(invalidCause(f.child('name'), 'Masquerade interface only implemented with pod network'));
  const mac = iface.macAddress ? parseMAC(iface.macAddress) : undefined;
  if (iface.masquerade && mac && mac.length === 6 && mac.every((b, i) => b === RESERVED_MAC[i])) {
    errs.push(invalidCause(f.child('macAddress'), 'The requested MAC address is reserved for the in-pod bridge. Please choose another one.'));
  }
  if (iface.bridge && net?.pod && !config.permitBridgeInterfaceOnPodNetwork) {
    errs.push(invalidCause(f.child('name'), 'Bridge on pod network configuration is not enabled under kubevirt-config'));
  }
  if (iface.slirp) errs.push(invalidCause(f.child('slirp'), 'Slirp interface support has been discontinued since v1.3'));
  if (iface.passt) errs.push(invalidCause(f.child('passt'), 'Passt network binding has been discontinued since v1.3'));
  if (iface.macvtap && !gateOn(config, 'Macvtap')) errs.push(invalidCause(f.child('name'), 'Macvtap feature gate is not enabled'));
  if (iface.macvtap && !net?.multus) errs.push(invalidCause(f.child('name'), 'Macvtap interface only implemented with Multus network'));
  return errs;
}

function validatePorts(f: FieldPath, iface: Interface): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const ports = iface.ports ?? [];
  ports.forEach((port, i) => {
    const pf = f.child('ports').index(i);
    if (!port.name) return;
    if (names.has(port.name)) errs.push(cause('FieldValueDuplicate', pf.child('name'), `Duplicate name of the port: ${port.name}`));
    if (!isValidPortName(port.name)) errs.push(invalidCause(pf.child('name'), `Invalid name of the port: ${port.name}`));
    names.add(port.name);
  });
  ports.forEach((port, i) => {
    const pf = f.child('ports').index(i);
    if (port.port === 0 || port.port === undefined) errs.push(requiredCause(pf, 'Port field is mandatory.'));
    if (port.port < 0 || port.port > 65536) errs.push(invalidCause(pf, 'Port field must be in range 0 < x < 65536.'));
    const protocol = port.protocol as string | undefined;
    if (protocol && protocol !== 'TCP' && protocol !== 'UDP') errs.push(invalidCause(pf.child('protocol'), 'Unknown protocol, only TCP or UDP allowed'));
  });
  return errs;
}

function validateInterfaceFields(f: FieldPath, iface: Interface, net: Network | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const name = String(f.child('name'));
  if (!/^[A-Za-z0-9-_]+$/.test(iface.name)) {
    errs.push(invalidCause(f.child('name'), 'Network interface name can only contain alphabetical characters, numbers, dashes (-) or underscores (_)'));
  }
  const model = iface.model as string | undefined;
  if (model && !VALID_MODELS.includes(model)) errs.push(notSupportedCause(f.child('model'), `interface ${name} uses model ${model} that is not supported.`));
  if (iface.macAddress) {
    const mac = parseMAC(iface.macAddress);
    if (!mac) errs.push(invalidCause(f.child('macAddress'), `interface ${name} has malformed MAC address (${iface.macAddress}).`));
    else if (mac.length > 6) errs.push(invalidCause(f.child('macAddress'), `interface ${name} has MAC address (${iface.macAddress}) that is too long.`));
  }
  if (iface.pciAddress && !isValidPciAddress(iface.pciAddress)) {
    errs.push(invalidCause(f.child('pciAddress'), `interface ${name} has malformed PCI address (${iface.pciAddress}).`));
  }
  if (net?.pod && iface.ports) errs.push(...validatePorts(f, iface));
  return errs;
}

/** All interface and network rules of a VMI spec at `field`. */
export function validateNetworks(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const errs = validateNetworkSources(field, spec);
  const nets = networksOf(spec);
  const ifaces = ifacesOf(spec);
  const byName = new Map(nets.map((n) => [n.name, n] as const));
  const defaultNetwork = nets.find((n) => n.pod) ?? nets.find((n) => n.multus?.default);
  const ifField = field.child('domain', 'devices', 'interfaces');
  ifaces.forEach((iface, i) => errs.push(...validateInterfaceState(ifField.index(i), iface, defaultNetwork)));
  ifaces.forEach((iface, i) => errs.push(...validateBinding(ifField.index(i), iface, byName.get(iface.name), config)));
  const seenNets = new Set<string>();
  nets.forEach((n, i) => {
    if (seenNets.has(n.name)) {
      errs.push(cause('FieldValueDuplicate', field.child('networks').index(i).child('name'), `Network with name "${n.name}" already exists, every network must have a unique name`));
    }
    seenNets.add(n.name);
  });
  const ifaceNames = new Set(ifaces.map((x) => x.name));
  nets.forEach((n, i) => {
    const f = field.child('networks').index(i).child('name');
    if (!ifaceNames.has(n.name)) errs.push(requiredCause(f, `${String(f)} '${n.name}' not found.`));
  });
  const seenIfaces = new Set<string>();
  ifaces.forEach((iface, i) => {
    const f = ifField.index(i).child('name');
    if (seenIfaces.has(iface.name)) errs.push(cause('FieldValueDuplicate', f, 'Only one interface can be connected to one specific network'));
    seenIfaces.add(iface.name);
  });
  ifaces.forEach((iface, i) => {
    const f = ifField.index(i).child('name');
    if (!byName.has(iface.name)) errs.push(invalidCause(f, `${String(f)} '${iface.name}' not found.`));
  });
  ifaces.forEach((iface, i) => errs.push(...validateInterfaceFields(ifField.index(i), iface, byName.get(iface.name))));
  return errs;
}

/** The pod network of a spec, if any (probes over HTTP/TCP need it). */
export const podNetworkOf = (spec: Spec): Network | undefined => networksOf(spec).find((n) => n.pod);
