import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Firmware, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { DEBIAN_OVMF } from './context.js';
import { convertOS, libvirtArch, type OSInputs } from './os.js';

const spec = (firmware: Firmware, machine?: string): VirtualMachineInstanceSpec => ({
  domain: { devices: {}, firmware, ...(machine ? { machine: { type: machine } } : {}) },
});
const inputs: OSInputs = { architecture: 'amd64', ovmf: DEBIAN_OVMF, nvramPath: '/run/p/nvram/ns_vm_VARS.fd' };
const type = { $: { arch: 'x86_64', machine: 'q35' }, _: 'hvm' };
const smbios = { $: { mode: 'sysinfo' } };

test('os: SeaBIOS by default, EFI with and without secure boot, serial BIOS', () => {
  const cases: [Firmware, unknown][] = [
    [{}, { type, smbios }],
    [{ bootloader: { bios: { useSerial: true } } }, { type, bios: { $: { useserial: 'yes' } }, smbios }],
    [
      { bootloader: { efi: { secureBoot: false } } },
      {
        type,
        loader: { $: { readonly: 'yes', secure: 'no', type: 'pflash' }, _: '/usr/share/OVMF/OVMF_CODE_4M.fd' },
        nvram: { $: { template: '/usr/share/OVMF/OVMF_VARS_4M.fd' }, _: '/run/p/nvram/ns_vm_VARS.fd' },
        smbios,
      },
    ],
    [
      { bootloader: { efi: {} } },
      {
        type,
        loader: { $: { readonly: 'yes', secure: 'yes', type: 'pflash' }, _: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd' },
        nvram: { $: { template: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd' }, _: '/run/p/nvram/ns_vm_VARS.fd' },
        smbios,
      },
    ],
  ];
  for (const [fw, want] of cases) assert.deepEqual(convertOS(spec(fw), inputs), want);
});

test('os: machine type from the VMI', () => {
  assert.deepEqual(convertOS(spec({}, 'pc-q35-8.2'), inputs).type, { $: { arch: 'x86_64', machine: 'pc-q35-8.2' }, _: 'hvm' });
});

test('os: kernel boot takes the extracted kernel and initrd and the kernel args', () => {
  const fw: Firmware = { kernelBoot: { kernelArgs: 'console=ttyS0', container: { image: 'k', kernelPath: '/boot/vmlinuz', initrdPath: '/boot/initrd' } } };
  const out = convertOS(spec(fw), { ...inputs, kernelBoot: { kernel: '/run/p/kernel', initrd: '/run/p/initrd' } });
  assert.equal(out.kernel, '/run/p/kernel');
  assert.equal(out.initrd, '/run/p/initrd');
  assert.equal(out.cmdline, 'console=ttyS0');
  assert.throws(() => convertOS(spec(fw), inputs), /kernelPath: the kernel "\/boot\/vmlinuz" was not extracted/);
});

test('architectures map to libvirt arch names', () => {
  assert.equal(libvirtArch('amd64'), 'x86_64');
  assert.equal(libvirtArch('arm64'), 'aarch64');
  assert.throws(() => libvirtArch('mips'), /Unsupported value: "mips"/);
});
