/** `spec.domain.devices`: disks, interfaces, inputs, watchdog, GPUs, host devices, TPM, sound, video and auto-attach switches. */
import type { Static } from '@sinclair/typebox';
import { arr, bool, empty, obj, opt, str, strEnum } from './schema.js';
import { DiskSchema } from './disks.js';
import { InterfaceSchema } from './interfaces.js';
import { FeatureStateSchema } from './domain.js';

export const INPUT_BUSES = ['usb', 'virtio'] as const;
export const INPUT_TYPES = ['tablet', 'keyboard'] as const;
export const WATCHDOG_ACTIONS = ['poweroff', 'reset', 'shutdown'] as const;

const claimRequest = {
  claimName: opt(str('Name from spec.resourceClaims[].name where the device is allocated (DRA).')),
  requestName: opt(str('Request name from resourceClaim.spec.devices.requests[].name (DRA).')),
};

export const GPUSchema = obj('A GPU (or vGPU) attached to the VMI.', {
  name: str('Name of the GPU device.'),
  deviceName: opt(str('Resource name provisioned by a device plugin.')),
  ...claimRequest,
  virtualGPUOptions: opt(
    obj('vGPU options.', {
      display: opt(
        obj('vGPU display options.', {
          enabled: opt(bool('Enable a display adapter backed by the vGPU. Defaults to true.')),
          ramFB: opt(FeatureStateSchema),
        }),
      ),
    }),
  ),
  tag: opt(str('Tag exposed to the guest through config drive metadata.')),
});

export const HostDeviceSchema = obj('A host device passed through to the VMI.', {
  name: str('Name of the host device.'),
  deviceName: opt(str('Resource name provisioned by a device plugin.')),
  ...claimRequest,
  tag: opt(str('Tag exposed to the guest through config drive metadata.')),
});

const watchdogAction = obj('Watchdog device settings.', {
  action: opt(strEnum(WATCHDOG_ACTIONS, 'poweroff, reset or shutdown. Defaults to reset.')),
});

export const DevicesSchema = obj('Devices of the VMI: disks, network interfaces and others.', {
  useVirtioTransitional: opt(bool('Fall back to legacy virtio 0.9 for old guests that lack virtio 1.0.')),
  disableHotplug: opt(bool('Disable disk hotplug.')),
  disks: opt(arr('Disks, cdroms and LUNs connected to the VMI.', DiskSchema, { maxItems: 256 })),
  watchdog: opt(
    obj('A named watchdog device; exactly one model must be set.', {
      name: str('Name of the watchdog.'),
      i6300esb: opt(watchdogAction),
      diag288: opt(watchdogAction),
    }),
  ),
  interfaces: opt(arr('Network interfaces of the VMI.', InterfaceSchema, { maxItems: 256 })),
  inputs: opt(
    arr(
      'Input devices.',
      obj('An input device.', {
        bus: opt(strEnum(INPUT_BUSES, 'Bus of the input device: virtio or usb.')),
        type: strEnum(INPUT_TYPES, 'Type of input device: tablet or keyboard.'),
        name: str('Device name.'),
      }),
    ),
  ),
  autoattachPodInterface: opt(bool('Attach a pod network interface. Defaults to true.')),
  autoattachGraphicsDevice: opt(bool('Attach the default graphics device (VNC). Defaults to true.')),
  autoattachSerialConsole: opt(bool('Attach the default serial console. Defaults to true.')),
  logSerialConsole: opt(bool('Log the auto-attached serial console; defaults to the cluster setting.')),
  autoattachMemBalloon: opt(bool('Attach the memory balloon device. Defaults to true.')),
  autoattachInputDevice: opt(bool('Attach an input device. Defaults to false.')),
  autoattachVSOCK: opt(bool('Attach a VSOCK CID. Defaults to false.')),
  rng: opt(empty('A random number generator fed from the host.')),
  blockMultiQueue: opt(bool('Enable virtio multi-queue for block devices. Defaults to false.')),
  networkInterfaceMultiqueue: opt(bool('Enable vhost multi-queue on virtio network interfaces.')),
  gpus: opt(arr('GPUs attached to the VMI.', GPUSchema, { 'x-kubernetes-list-type': 'atomic' })),
  downwardMetrics: opt(empty('A virtio-serial port exposing downward metrics.')),
  panicDevices: opt(
    arr(
      'Panic devices reporting guest crashes.',
      obj('A panic device.', { model: opt(strEnum(['hyperv', 'isa', 'pvpanic'] as const, 'isa, hyperv or pvpanic.')) }),
    ),
  ),
  filesystems: opt(
    arr(
      'Filesystems shared into the VMI.',
      obj('A virtiofs filesystem.', { name: str('Device name; must match a volume.'), virtiofs: empty('Use virtiofs.') }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  hostDevices: opt(arr('Host devices attached to the VMI.', HostDeviceSchema, { 'x-kubernetes-list-type': 'atomic' })),
  clientPassthrough: opt(empty('Redirect client devices such as USB.')),
  sound: opt(
    obj('An emulated sound card.', {
      name: str('Name of the sound device.'),
      model: opt(strEnum(['ich9', 'ac97'] as const, 'ich9 (default) or ac97.')),
    }),
  ),
  tpm: opt(
    obj('An emulated TPM.', {
      enabled: opt(bool('Explicitly disable the vTPM. Defaults to true.')),
      persistent: opt(bool('Keep the TPM state across reboots. Defaults to false.')),
    }),
  ),
  video: opt(obj('Video device.', { type: opt(str('virtio, vga, bochs or ramfb; the default depends on architecture and firmware.')) })),
});
export type Devices = Static<typeof DevicesSchema>;
