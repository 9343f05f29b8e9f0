/**
 * The small devices: serial console on a unix socket (with its log) plus a pty console, VNC on a
 * unix socket with its video card, input devices, the virtio RNG, the guest agent channel and the watchdog.
 */
import type { VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { StatusError } from '../../api/meta/index.js';
import { userAlias } from './names.js';
import type { ChannelSpec, ConsoleSpec, GraphicsSpec, InputSpec, RngSpec, SerialSpec, VideoSpec, WatchdogSpec } from './types.js';

type Spec = VirtualMachineInstanceSpec;

/** The virtio-serial name the QEMU guest agent listens on. */
export const GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0';

/** Longest unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

function socketPath(privateDir: string, name: string): string {
  const path = `${privateDir}/${name}`;
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new StatusError(500, 'InternalError', `socket path "${path}" is longer than ${MAX_SOCKET_PATH_BYTES} bytes; use a shorter private directory`);
  }
  return path;
}

/** Socket and log paths in the launcher's private directory. */
export const serialSocketPath = (privateDir: string): string => socketPath(privateDir, 'virt-serial0');
export const serialLogPath = (privateDir: string): string => `${privateDir}/virt-serial0-log`;
export const vncSocketPath = (privateDir: string): string => socketPath(privateDir, 'virt-vnc');

/** Serial port 0 on `<privateDir>/virt-serial0` (logged unless disabled) and a pty console on it; none when autoattachSerialConsole is false. */
export function convertSerialConsole(spec: Spec, privateDir: string, logByDefault: boolean): { serial: SerialSpec[]; console: ConsoleSpec[] } {
  const devices = spec.domain.devices;
  if (devices.autoattachSerialConsole === false) return { serial: [], console: [] };
  const log = devices.logSerialConsole ?? logByDefault;
  return {
    serial: [
      {
        $: { type: 'unix' },
        target: { $: { port: 0 } },
        source: { $: { mode: 'bind', path: serialSocketPath(privateDir) } },
        ...(log ? { log: { $: { file: serialLogPath(privateDir), append: 'on' } } } : {}),
      },
    ],
    console: [{ $: { type: 'pty' }, target: { $: { type: 'serial', port: 0 } } }],
  };
}

/** VNC on `<privateDir>/virt-vnc` and its video card (the VMI's type, else vga); none when autoattachGraphicsDevice is false. */
export function convertGraphics(spec: Spec, privateDir: string): { graphics: GraphicsSpec[]; video: VideoSpec[] } {
  const devices = spec.domain.devices;
  if (devices.autoattachGraphicsDevice === false) return { graphics: [], video: [] };
  const type = devices.video?.type || 'vga';
  const model = type === 'vga' ? { type, heads: 1, vram: 16384 } : { type, heads: 1 };
  return {
    graphics: [{ $: { type: 'vnc' }, listen: { $: { type: 'socket', socket: vncSocketPath(privateDir) } } }],
    video: [{ model: { $: model } }],
  };
}

/** Input devices (virtio ones with libvirt's plain `virtio` model); a USB tablet when autoattachInputDevice asks for one and none is listed. */
export function convertInputs(spec: Spec): InputSpec[] {
  const devices = spec.domain.devices;
  const inputs = devices.inputs?.length ? devices.inputs : devices.autoattachInputDevice ? [{ name: 'default-0', type: 'tablet' as const, bus: 'usb' as const }] : [];
  return inputs.map((i) => {
    const bus = i.bus ?? 'usb';
    return { $: { type: i.type, bus, ...(bus === 'virtio' ? { model: 'virtio' } : {}) }, alias: { $: { name: userAlias(i.name) } } };
  });
}

/** A USB controller is needed by USB inputs and disks. */
export const needsUSB = (inputs: readonly InputSpec[]): boolean => inputs.some((i) => i.$.bus === 'usb');

/** The virtio RNG fed from /dev/urandom, when the VMI asks for one. */
export function convertRng(spec: Spec, virtioModel: string): RngSpec[] {
  if (!spec.domain.devices.rng) return [];
  return [{ $: { model: virtioModel }, backend: { $: { model: 'random' }, _: '/dev/urandom' } }];
}

/** The guest agent channel; libvirt picks the host socket path in its channel directory. */
export function convertGuestAgentChannel(): ChannelSpec {
  return { $: { type: 'unix' }, target: { $: { type: 'virtio', name: GUEST_AGENT_CHANNEL } } };
}

/** The watchdog: its model and action (reset unless the VMI says otherwise). */
export function convertWatchdog(spec: Spec): WatchdogSpec[] {
  const w = spec.domain.devices.watchdog;
  if (!w) return [];
  const model = w.diag288 ? 'diag288' : 'i6300esb';
  const action = (w.diag288 ?? w.i6300esb)?.action ?? 'reset';
  return [{ $: { model, action }, alias: { $: { name: userAlias(w.name) } } }];
}
