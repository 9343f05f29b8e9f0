import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, withGates, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { Volume } from '../kubevirt/volumes.js';
import type { ValidationConfig } from './cause.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[], config?: ValidationConfig];
const V = 'spec.volumes';
/** Adds a volume and a disk using it. */
const addVolume = (vol: Volume) => (v: VirtualMachineInstance) => {
  v.spec.volumes!.push(vol);
  v.spec.domain.devices.disks!.push({ name: vol.name, disk: {} });
};
const vol0 = (v: VirtualMachineInstance): Volume => v.spec.volumes![0]!;
const b64 = (n: number) => Buffer.from('x'.repeat(n)).toString('base64');

const cases: Case[] = [
  ['cloud-init NoCloud inline', addVolume({ name: 'ci', cloudInitNoCloud: { userData: '#cloud-config\n' } }), []],
  ['config drive from secret', addVolume({ name: 'ci', cloudInitConfigDrive: { secretRef: { name: 's' } } }), []],
  ['duplicate volume name', (v) => { v.spec.volumes!.push({ name: 'rootdisk', emptyDisk: { capacity: '1Gi' } }); }, [[`${V}[1].name`, `${V}[1] and ${V}[0] must not have the same Name.`]]],
  ['two sources', (v) => { vol0(v).emptyDisk = { capacity: '1Gi' }; }, [[`${V}[0]`, `${V}[0] must have exactly one source type set`]]],
  ['no source', (v) => { delete vol0(v).containerDisk; }, [[`${V}[0]`, `${V}[0] must have exactly one source type set`]]],
  ['two user-data sources', addVolume({ name: 'ci', cloudInitNoCloud: { userData: 'a', userDataBase64: b64(1) } }), [[`${V}[1].cloudInitNoCloud`, `${V}[1].cloudInitNoCloud must have only one userdatasource set.`]]],
  ['user data over 2048 bytes', addVolume({ name: 'ci', cloudInitNoCloud: { userData: 'x'.repeat(2049) } }), [[`${V}[1].cloudInitNoCloud`, `${V}[1].cloudInitNoCloud userdata exceeds 2048 byte limit. Should use UserDataSecretRef for larger data.`]]],
  ['user data of 2048 bytes in base64', addVolume({ name: 'ci', cloudInitNoCloud: { userDataBase64: b64(2048) } }), []],
  ['network data over the limit', addVolume({ name: 'ci', cloudInitConfigDrive: { networkDataBase64: b64(2049) } }), [[`${V}[1].cloudInitConfigDrive`, `${V}[1].cloudInitConfigDrive networkdata exceeds 2048 byte limit. Should use NetworkDataSecretRef for larger data.`]]],
  ['bad base64', addVolume({ name: 'ci', cloudInitNoCloud: { userDataBase64: 'not base64!' } }), [[`${V}[1].cloudInitNoCloud.userDataBase64`, `${V}[1].cloudInitNoCloud.userDataBase64.cloudInitNoCloud.userDataBase64 is not a valid base64 value.`]]],
  ['cloud-init without data', addVolume({ name: 'ci', cloudInitNoCloud: {} }), [[`${V}[1].cloudInitNoCloud`, `${V}[1].cloudInitNoCloud must have at least one userdatasource or one networkdatasource set.`]]],
  ['hostDisk without its gate', addVolume({ name: 'hd', hostDisk: { path: '/data/disk.img', type: 'Disk' } }), [[`${V}[1]`, 'HostDisk feature gate is not enabled']]],
  ['hostDisk with its gate', addVolume({ name: 'hd', hostDisk: { path: '/data/disk.img', type: 'DiskOrCreate', capacity: '1Gi' } }), [], withGates('HostDisk')],
  ['hostDisk path, type and capacity', addVolume({ name: 'hd', hostDisk: { path: '', type: 'Bogus' as never } }), [
    [`${V}[1].hostDisk.path`, `${V}[1].hostDisk.path is required for hostDisk volume`],
    [`${V}[1].hostDisk.type`, `${V}[1].hostDisk.type has invalid value 'Bogus', allowed are 'Disk' or 'DiskOrCreate'`],
  ], withGates('HostDisk')],
  ['capacity only with DiskOrCreate', addVolume({ name: 'hd', hostDisk: { path: '/d', type: 'Disk', capacity: '1Gi' } }), [[`${V}[1].hostDisk.capacity`, `${V}[1].hostDisk.capacity is allowed to pass only with ${V}[1].hostDisk.type equal to 'DiskOrCreate'`]], withGates('HostDisk')],
  ['configMap without name', addVolume({ name: 'cm', configMap: {} }), [[`${V}[1].configMap.name`, `${V}[1].configMap.name is a required field`]]],
  ['secret without name', addVolume({ name: 'sec', secret: {} }), [[`${V}[1].secret.secretName`, `${V}[1].secret.secretName is a required field`]]],
  ['two serviceAccount volumes', (v) => { addVolume({ name: 'sa1', serviceAccount: { serviceAccountName: 'a' } })(v); addVolume({ name: 'sa2', serviceAccount: { serviceAccountName: 'b' } })(v); }, [[V, `${V} must have max one serviceAccount volume set`]]],
  ['dataVolume without name', addVolume({ name: 'dv', dataVolume: { name: '' } }), [[`${V}[1].name`, "DataVolume 'name' must be set"]]],
  ['downwardMetrics needs its gate', addVolume({ name: 'dm', downwardMetrics: {} }), [[`${V}[1]`, 'downwardMetrics disks are not allowed: DownwardMetrics feature gate is not enabled.']]],
  ['containerDisk path relative', (v) => { vol0(v).containerDisk!.path = 'disk/../x.img'; }, [[`${V}[0].containerDisk`, `${V}[0].containerDisk must be an absolute path to a file without relative components`]]],
  ['containerDisk path root', (v) => { vol0(v).containerDisk!.path = '/'; }, [[`${V}[0].containerDisk`, `${V}[0].containerDisk must not point to root`]]],
  ['containerDisk path absolute', (v) => { vol0(v).containerDisk!.path = '/disk/disk.img'; }, []],
  ['volume without a disk', (v) => { v.spec.volumes!.push({ name: 'spare', emptyDisk: { capacity: '1Gi' } }); }, [[`${V}[1].name`, `${V}[1].name 'spare' not found.`]]],
  ['memoryDump volume needs no disk', (v) => { v.spec.volumes!.push({ name: 'dump', memoryDump: { claimName: 'pvc' } }); }, []],
];

test('volume and cloud-init rules: field path and message of each cause', () => {
  for (const [name, mod, want, config] of cases) assertCauses(validateVMI(validVMI(mod), config ?? configWith()), want, name);
});
