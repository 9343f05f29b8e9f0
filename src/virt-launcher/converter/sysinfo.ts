/** `<sysinfo type="smbios">`: the system UUID (firmware.uuid) and serial, the cluster's SMBIOS values, and the chassis. */
import type { VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import type { SMBIOSValues } from './context.js';
import type { SysinfoSpec, TextEl } from './types.js';

type Entry = TextEl<{ name: string }>;
const entries = (pairs: [string, string | undefined][]): Entry[] => pairs.filter((p): p is [string, string] => !!p[1]).map(([name, v]) => ({ $: { name }, _: v }));

/** SMBIOS of the VMI; `uuid` is the domain UUID (firmware.uuid). */
export function convertSysinfo(spec: VirtualMachineInstanceSpec, uuid: string, smbios: SMBIOSValues): SysinfoSpec {
  const system = entries([
    ['manufacturer', smbios.manufacturer],
    ['product', smbios.product],
    ['version', smbios.version],
    ['serial', spec.domain.firmware?.serial],
    ['uuid', uuid],
    ['sku', smbios.sku],
    ['family', smbios.family],
  ]);
  const c = spec.domain.chassis;
  const chassis = c ? entries([['manufacturer', c.manufacturer], ['version', c.version], ['serial', c.serial], ['asset', c.asset], ['sku', c.sku]]) : [];
  return { $: { type: 'smbios' }, system: { entry: system }, ...(chassis.length ? { chassis: { entry: chassis } } : {}) };
}
