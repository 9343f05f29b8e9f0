/**
 * A tiny stand-in for the converter, for these tests only: enough domain XML to boot the test
 * guest from its disk(s) with a serial console socket and user-mode or tap NICs.
 */
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import type { ConverterContext } from '../../src/virt-launcher/converter/context.js';
import type { ConvertVMI } from '../../src/virt-launcher/domain-manager.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/** Builds the domain XML for `vmi` from the launcher's context. */
export const testConvert: ConvertVMI = (vmi: VirtualMachineInstance, ctx: ConverterContext) => {
  const name = `${vmi.metadata?.namespace ?? 'default'}_${vmi.metadata?.name ?? ''}`;
  const disks = (vmi.spec.volumes ?? []).map((v, i) => {
    const src = ctx.disks?.[v.name];
    if (!src) throw new Error(`no disk source for volume ${v.name}`);
    const backing = src.backing ? `<backingStore type='file'><format type='${src.backing.format}'/><source file='${esc(src.backing.path)}'/></backingStore>` : '';
    const cdrom = src.path.endsWith('.iso');
    return `<disk type='file' device='${cdrom ? 'cdrom' : 'disk'}'><driver name='qemu' type='${src.format}'/><source file='${esc(src.path)}'/>${backing}<target dev='${cdrom ? 'sd' : 'vd'}${String.fromCharCode(97 + i)}' bus='${cdrom ? 'scsi' : 'virtio'}'/>${cdrom ? '<readonly/>' : ''}<alias name='ua-${esc(v.name)}'/></disk>`;
  });
  const nics = (vmi.spec.domain.devices.interfaces ?? []).map((i) => {
    const b = ctx.interfaces?.[i.name];
    const mac = i.macAddress ?? b?.mac;
    const macXml = mac ? `<mac address='${esc(mac)}'/>` : '';
    if (b?.type === 'tap') return `<interface type='ethernet'>${macXml}<target dev='${esc(b.tapDevice)}' managed='no'/><model type='virtio'/><alias name='ua-${esc(i.name)}'/></interface>`;
    return `<interface type='user'>${macXml}<model type='virtio'/><alias name='ua-${esc(i.name)}'/></interface>`;
  });
  const xml = `<domain type='${ctx.emulation ? 'qemu' : 'kvm'}'>
  <name>${esc(name)}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/></features>
  <cpu mode='${ctx.emulation ? 'custom' : 'host-model'}'>${ctx.emulation ? '<model>qemu64</model>' : ''}</cpu>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <controller type='scsi' model='virtio-scsi'/>
    ${disks.join('\n    ')}
    ${nics.join('\n    ')}
    <serial type='unix'><source mode='bind' path='${esc(ctx.privateDir)}/virt-serial0'/><target port='0'/></serial>
    <console type='unix'><source mode='bind' path='${esc(ctx.privateDir)}/virt-serial0'/><target type='serial' port='0'/></console>
    <memballoon model='none'/>
  </devices>
</domain>`;
  return { xml };
};
