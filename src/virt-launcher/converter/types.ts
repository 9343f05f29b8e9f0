/**
 * DomainSpec: the typed intermediate form of a libvirt domain, shaped like its XML so rendering is
 * mechanical. In every element `$` holds the attributes, `_` the text; other keys are child
 * elements (an array repeats the element, `{}` is an empty element, undefined omits it).
 */

/** An attribute value; undefined omits the attribute. */
export type AttrValue = string | number | undefined;
/** An element with no content, e.g. `<acpi/>`. */
export type Empty = Record<never, never>;
/** A text-only element with attributes, e.g. `<entry name="uuid">...</entry>`. */
export interface TextEl<A = Record<string, AttrValue>> {
  $?: A;
  _: string | number;
}
/** An element with attributes only. */
export interface AttrEl<A> {
  $: A;
}
/** libvirt's on/off and yes/no switches. */
export type OnOff = 'on' | 'off';
export type YesNo = 'yes' | 'no';
export type StateEl = AttrEl<{ state: OnOff }>;
export type Alias = AttrEl<{ name: string }>;

export interface DiskDriver {
  name: 'qemu';
  type: 'raw' | 'qcow2';
  cache?: string;
  io?: string;
  error_policy?: string;
  discard?: 'unmap';
  iothread?: number;
  queues?: number;
}

export interface BackingStore {
  $: { type: 'file' | 'block' };
  format: AttrEl<{ type: 'raw' | 'qcow2' }>;
  source: AttrEl<{ file?: string; dev?: string }>;
}

export interface DiskSpec {
  $: { type: 'file' | 'block'; device: 'disk' | 'cdrom' | 'lun'; model?: string; sgio?: string };
  driver: AttrEl<DiskDriver>;
  source: { $: { file?: string; dev?: string }; reservations?: AttrEl<{ managed: YesNo }> };
  backingStore?: BackingStore;
  target: AttrEl<{ dev: string; bus: string; tray?: 'open' | 'closed' }>;
  readonly?: Empty;
  shareable?: Empty;
  serial?: string;
  blockio?: AttrEl<{ logical_block_size?: number; physical_block_size?: number; discard_granularity?: number }>;
  boot?: AttrEl<{ order: number }>;
  alias: Alias;
}

export interface InterfaceSpec {
  $: { type: 'ethernet' | 'user' };
  mac?: AttrEl<{ address: string }>;
  target?: AttrEl<{ dev: string; managed: YesNo }>;
  model: AttrEl<{ type: string }>;
  mtu?: AttrEl<{ size: number }>;
  boot?: AttrEl<{ order: number }>;
  rom?: AttrEl<{ enabled: YesNo }>;
  alias: Alias;
}

export interface ControllerSpec {
  $: { type: 'usb' | 'virtio-serial' | 'scsi' | 'pci'; index: number; model: string };
}

export interface SerialSpec {
  $: { type: 'unix' };
  target: AttrEl<{ port: number }>;
  source: AttrEl<{ mode: 'bind'; path: string }>;
  log?: AttrEl<{ file: string; append: OnOff }>;
}

export interface ConsoleSpec {
  $: { type: 'pty' };
  target: AttrEl<{ type: 'serial'; port: number }>;
}

export interface ChannelSpec {
  $: { type: 'unix' };
  source?: AttrEl<{ mode: 'bind'; path: string }>;
  target: AttrEl<{ type: 'virtio'; name: string }>;
}

export interface GraphicsSpec {
  $: { type: 'vnc' };
  listen: AttrEl<{ type: 'socket'; socket: string }>;
}

export interface VideoSpec {
  model: AttrEl<{ type: string; heads?: number; vram?: number }>;
}

export interface InputSpec {
  $: { type: 'tablet' | 'keyboard'; bus: 'usb' | 'virtio'; model?: string };
  alias: Alias;
}

export interface RngSpec {
  $: { model: string };
  backend: TextEl<{ model: 'random' }>;
}

export interface WatchdogSpec {
  $: { model: 'i6300esb' | 'diag288'; action: string };
  alias: Alias;
}

export interface MemBalloonSpec {
  $: { model: string; freePageReporting?: OnOff };
  stats?: AttrEl<{ period: number }>;
}

/** Children of `<devices>`, in the order they are rendered. */
export interface DevicesSpec {
  emulator?: string;
  disk: DiskSpec[];
  controller: ControllerSpec[];
  interface: InterfaceSpec[];
  serial: SerialSpec[];
  console: ConsoleSpec[];
  channel: ChannelSpec[];
  input: InputSpec[];
  graphics: GraphicsSpec[];
  video: VideoSpec[];
  watchdog: WatchdogSpec[];
  memballoon?: MemBalloonSpec;
  rng: RngSpec[];
}

export interface OSSpec {
  type: TextEl<{ arch: string; machine: string }>;
  loader?: TextEl<{ readonly: YesNo; secure: YesNo; type: 'pflash' }>;
  nvram?: TextEl<{ template: string }>;
  bios?: AttrEl<{ useserial: YesNo }>;
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  smbios: AttrEl<{ mode: 'sysinfo' }>;
}

export interface CPUSpec {
  $: { mode: 'host-model' | 'host-passthrough' | 'custom'; match?: 'exact' };
  model?: TextEl<{ fallback: 'allow' | 'forbid' }>;
  topology: AttrEl<{ sockets: number; dies?: number; cores: number; threads: number }>;
  feature?: AttrEl<{ name: string; policy: string }>[];
}

export interface HypervSpec {
  relaxed?: StateEl;
  vapic?: StateEl;
  spinlocks?: AttrEl<{ state: OnOff; retries?: number }>;
  vpindex?: StateEl;
  runtime?: StateEl;
  synic?: StateEl;
  stimer?: { $: { state: OnOff }; direct?: StateEl };
  reset?: StateEl;
  vendor_id?: AttrEl<{ state: OnOff; value?: string }>;
  frequencies?: StateEl;
  reenlightenment?: StateEl;
  tlbflush?: { $: { state: OnOff }; direct?: StateEl; extended?: StateEl };
  ipi?: StateEl;
  evmcs?: StateEl;
}

export interface FeaturesSpec {
  acpi?: Empty;
  apic?: { $?: { eoi: OnOff } };
  hyperv?: { $?: { mode: 'passthrough' } } & HypervSpec;
  kvm?: { hidden: StateEl };
  pvspinlock?: StateEl;
  smm?: StateEl;
  vmport?: StateEl;
  /** Software emulation only: the size of QEMU's translation-block cache. */
  tcg?: { 'tb-cache': TextEl<{ unit: 'MiB' }> };
}

export interface TimerSpec {
  $: { name: 'rtc' | 'pit' | 'hpet' | 'kvmclock' | 'hypervclock'; tickpolicy?: string; present?: YesNo; track?: string };
}

export interface ClockSpec {
  $: { offset: 'utc' | 'timezone'; timezone?: string; adjustment?: number | 'reset' };
  timer: TimerSpec[];
}

export interface SysinfoSpec {
  $: { type: 'smbios' };
  system: { entry: TextEl<{ name: string }>[] };
  chassis?: { entry: TextEl<{ name: string }>[] };
}

export interface CPUTuneSpec {
  vcpupin: AttrEl<{ vcpu: number; cpuset: string }>[];
  emulatorpin?: AttrEl<{ cpuset: string }>;
}

/** A whole `<domain>`. */
export interface DomainSpec {
  $: { type: 'kvm' | 'qemu' };
  name: string;
  uuid: string;
  metadata?: { kubevirt: { $: { xmlns: string }; uid?: string } };
  memory: TextEl<{ unit: 'b' }>;
  memoryBacking?: { hugepages: { page: AttrEl<{ size: number; unit: 'b' }> } };
  vcpu: TextEl<{ placement: 'static'; current?: number }>;
  iothreads?: number;
  cputune?: CPUTuneSpec;
  sysinfo: SysinfoSpec;
  os: OSSpec;
  features: FeaturesSpec;
  cpu: CPUSpec;
  clock: ClockSpec;
  on_reboot?: 'restart' | 'destroy';
  devices: DevicesSpec;
}
