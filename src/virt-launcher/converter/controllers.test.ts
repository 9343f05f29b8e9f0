import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertControllers } from './controllers.js';

const VM = 'virtio-non-transitional';

test('controllers: usb none or xhci, virtio-serial always, scsi when needed, root ports', () => {
  const usbNone = { $: { type: 'usb', index: 0, model: 'none' } };
  const serial = { $: { type: 'virtio-serial', index: 0, model: VM } };
  const cases: [Parameters<typeof convertControllers>[0], unknown][] = [
    [{ usb: false, scsi: false, virtioModel: VM, hotplugPorts: 0 }, [usbNone, serial]],
    [{ usb: true, scsi: false, virtioModel: VM, hotplugPorts: 0 }, [{ $: { type: 'usb', index: 0, model: 'qemu-xhci' } }, serial]],
    [{ usb: false, scsi: true, virtioModel: VM, hotplugPorts: 0 }, [usbNone, serial, { $: { type: 'scsi', index: 0, model: VM } }]],
    [
      { usb: false, scsi: false, virtioModel: VM, hotplugPorts: 2 },
      [usbNone, serial, { $: { type: 'pci', index: 1, model: 'pcie-root-port' } }, { $: { type: 'pci', index: 2, model: 'pcie-root-port' } }],
    ],
  ];
  for (const [needs, want] of cases) assert.deepEqual(convertControllers(needs), want);
});
