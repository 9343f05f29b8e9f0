/**
 * The pod network of one launcher: picks the binding of the VMI's pod interface (masquerade or
 * bridge), sets it up once and tears down whichever was set up.
 */
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { InterfaceBackend } from '../converter/context.js';
import { BridgeNetwork } from './bridge.js';
import { noPodNetworkError } from './index.js';
import { MasqueradeNetwork } from './masquerade.js';

/** Masquerade or bridge on the pod network, chosen per VMI. */
export class PodNetwork {
  private active: { teardown(): Promise<void> } | undefined;

  constructor(private readonly podIface = 'eth0', private readonly log: (m: string) => void = () => undefined) {}

  /** Sets up the binding of the VMI's pod interface; no pod interface, nothing to do. */
  async setup(vmi: VirtualMachineInstance): Promise<Record<string, InterfaceBackend>> {
    const podNet = vmi.spec.networks?.find((n) => n.pod);
    const iface = vmi.spec.domain.devices.interfaces?.find((i) => i.name === podNet?.name);
    if (!iface) return {};
    if (iface.bridge) {
      const bridge = new BridgeNetwork(this.podIface, this.log);
      this.active = bridge;
      return bridge.setup(vmi, iface);
    }
    if (iface.masquerade) {
      const masq = new MasqueradeNetwork(this.podIface, this.log);
      this.active = masq;
      return masq.setup(vmi);
    }
    throw noPodNetworkError(`interface ${iface.name}: only the masquerade and bridge bindings are implemented on the pod network`);
  }

  /** Undoes the setup, if any. */
  async teardown(): Promise<void> {
    await this.active?.teardown();
    this.active = undefined;
  }
}
