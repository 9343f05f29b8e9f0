/** Controllers: USB (model none unless a USB device needs one), virtio-serial, virtio-scsi for SCSI disks, free PCIe root ports for hotplug. */
import type { ControllerSpec } from './types.js';

export interface ControllerNeeds {
  readonly usb: boolean;
  readonly scsi: boolean;
  readonly virtioModel: string;
  /** Free pcie-root-ports to add (q35 hotplug). */
  readonly hotplugPorts: number;
}

/** The `<controller>`s the devices need. */
export function convertControllers(n: ControllerNeeds): ControllerSpec[] {
  const out: ControllerSpec[] = [
    { $: { type: 'usb', index: 0, model: n.usb ? 'qemu-xhci' : 'none' } },
    { $: { type: 'virtio-serial', index: 0, model: n.virtioModel } },
  ];
  if (n.scsi) out.push({ $: { type: 'scsi', index: 0, model: n.virtioModel === 'virtio-transitional' ? 'virtio-transitional' : 'virtio-non-transitional' } });
  // Index 0 is pcie-root, which libvirt adds itself; root ports follow.
  for (let i = 1; i <= n.hotplugPorts; i++) out.push({ $: { type: 'pci', index: i, model: 'pcie-root-port' } });
  return out;
}
