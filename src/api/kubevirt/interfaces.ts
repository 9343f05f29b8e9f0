/** Network interfaces (`spec.domain.devices.interfaces`) and networks (`spec.networks`). */
import type { Static } from '@sinclair/typebox';
import { arr, bool, empty, int32, obj, opt, str, strEnum, strList } from './schema.js';

export const INTERFACE_MODELS = ['e1000', 'e1000e', 'igb', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio'] as const;
export type InterfaceModel = (typeof INTERFACE_MODELS)[number];
/** Binding methods of the pod network that virt-api can default to (cluster `defaultNetworkInterface`). */
export const NETWORK_INTERFACE_TYPES = ['bridge', 'masquerade', 'slirp'] as const;
export type NetworkInterfaceType = (typeof NETWORK_INTERFACE_TYPES)[number];
export const INTERFACE_STATES = ['absent', 'up', 'down'] as const;

export const PortSchema = obj('A port forwarded to the guest. Protocol defaults to TCP.', {
  name: opt(str('IANA_SVC_NAME, unique within the VMI.')),
  protocol: opt(strEnum(['TCP', 'UDP'] as const, 'TCP or UDP. Defaults to "TCP".')),
  port: int32('Port number, 0 < x < 65536.'),
});
export type Port = Static<typeof PortSchema>;

export const DHCPOptionsSchema = obj('Extra DHCP options for the interface.', {
  bootFileName: opt(str('DHCP option 67.')),
  tftpServerName: opt(str('DHCP option 66.')),
  ntpServers: opt(strList('NTP servers (DHCP option 42).')),
  privateOptions: opt(
    arr(
      'Private DHCP options (224-254).',
      obj('One private DHCP option.', { option: int32('Option number, 224-254.'), value: str('Option value.') }),
    ),
  ),
});

export const InterfaceSchema = obj('A guest network interface; its name refers to a network.', {
  name: str('Logical name of the interface; must match the name of a network.'),
  model: opt(strEnum(INTERFACE_MODELS, 'Interface model: e1000, e1000e, igb, ne2k_pci, pcnet, rtl8139 or virtio. Defaults to virtio.')),
  bridge: opt(empty('Connect through a linux bridge.')),
  slirp: opt(empty('Deprecated QEMU user networking (removed in v1.3).')),
  masquerade: opt(empty('Connect through NAT (netfilter rules).')),
  sriov: opt(empty('Pass through an SR-IOV PCI device via vfio.')),
  macvtap: opt(empty('Deprecated macvtap binding (removed in v1.3).')),
  passt: opt(empty('Deprecated passt binding (removed in v1.3).')),
  passtBinding: opt(empty('Connect using passt user-mode networking.')),
  binding: opt(obj('A binding plugin named in the KubeVirt CR.', { name: str('Name of the binding plugin.') })),
  ports: opt(arr('Ports forwarded to the guest.', PortSchema)),
  macAddress: opt(str('MAC address, e.g. de:ad:00:00:be:af or DE-AD-00-00-BE-AF.')),
  bootOrder: opt(int32('Boot order (> 0, unique over disks and interfaces).', { format: 'int64', minimum: 0 })),
  pciAddress: opt(str('Guest PCI address, e.g. 0000:81:01.10.')),
  dhcpOptions: opt(DHCPOptionsSchema),
  tag: opt(str('Tag exposed to the guest through config drive metadata.')),
  acpiIndex: opt(int32('ACPI index for stable device naming, unique, 1..16383.')),
  state: opt(strEnum(INTERFACE_STATES, 'Requested link state: absent, down or up (empty means up).')),
});
export type Interface = Static<typeof InterfaceSchema>;

export const NetworkSchema = obj('A network an interface connects to.', {
  name: str('Network name; a DNS_LABEL unique within the VMI.'),
  pod: opt(
    obj('The default pod network.', {
      vmNetworkCIDR: opt(str('CIDR of the guest network. Defaults to 10.0.2.0/24.')),
      vmIPv6NetworkCIDR: opt(str('IPv6 CIDR of the guest network. Defaults to fd10:0:2::/120.')),
    }),
  ),
  multus: opt(
    obj('A Multus secondary network.', {
      networkName: str('NetworkAttachmentDefinition name: <name> or <namespace>/<name>.'),
      default: opt(bool('Use this network as the pod default network.')),
    }),
  ),
});
export type Network = Static<typeof NetworkSchema>;
