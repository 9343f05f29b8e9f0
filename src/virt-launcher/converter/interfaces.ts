/**
 * Network interfaces: tap-based bindings (masquerade, bridge) as `type="ethernet"` on the tap the
 * launcher created, or QEMU user networking; model (virtio non-transitional, e1000, ...), MAC, MTU,
 * boot order (the option ROM stays off unless the NIC boots) and the `ua-<name>` alias.
 */
import type { Interface } from '../../api/kubevirt/index.js';
import { StatusError } from '../../api/meta/index.js';
import type { InterfaceBackend } from './context.js';
import { userAlias } from './names.js';
import type { InterfaceSpec } from './types.js';

/** The binding of an interface, by upstream's field name. */
export function bindingOf(iface: Interface): string | undefined {
  for (const b of ['masquerade', 'bridge', 'slirp', 'sriov', 'macvtap', 'passt', 'passtBinding', 'binding'] as const) if (iface[b] !== undefined) return b;
  return undefined;
}

/** The backend of the `index`th interface: the launcher's, else `tap<index>` for tap-based bindings. */
export function backendFor(iface: Interface, index: number, field: string, resolved: Readonly<Record<string, InterfaceBackend>> | undefined): InterfaceBackend {
  const given = resolved?.[iface.name];
  if (given) return given;
  const binding = bindingOf(iface);
  if (binding === 'masquerade' || binding === 'bridge') return { type: 'tap', tapDevice: `tap${index}` };
  throw new StatusError(422, 'Invalid', `${field}: binding ${binding ?? '(none)'} of interface "${iface.name}" is not supported by this launcher`);
}

/** The libvirt model of a VMI interface model. */
export const nicModel = (model: string | undefined, virtioModel: string): string => (!model || model === 'virtio' ? virtioModel : model);

/** The `<interface>` of `iface` on `backend`. */
export function convertInterface(iface: Interface, backend: InterfaceBackend, virtioModel: string): InterfaceSpec {
  const mac = iface.macAddress?.replaceAll('-', ':').toLowerCase() ?? backend.mac;
  const boots = iface.bootOrder !== undefined && iface.bootOrder > 0;
  return {
    $: { type: backend.type === 'tap' ? 'ethernet' : 'user' },
    ...(mac ? { mac: { $: { address: mac } } } : {}),
    ...(backend.type === 'tap' ? { target: { $: { dev: backend.tapDevice, managed: 'no' } } } : {}),
    model: { $: { type: nicModel(iface.model, virtioModel) } },
    ...(backend.type === 'tap' && backend.mtu ? { mtu: { $: { size: backend.mtu } } } : {}),
    ...(boots ? { boot: { $: { order: iface.bootOrder! } } } : { rom: { $: { enabled: 'no' } } }),
    alias: { $: { name: userAlias(iface.name) } },
  };
}
