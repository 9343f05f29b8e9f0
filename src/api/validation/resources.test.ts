import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, withGates, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { ValidationConfig } from './cause.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[], config?: ValidationConfig];
const R = 'spec.domain.resources';
const resources = (r: { requests?: Record<string, string>; limits?: Record<string, string> }) => (v: VirtualMachineInstance) => {
  v.spec.domain.resources = r;
};
const dedicated = (v: VirtualMachineInstance) => {
  v.spec.domain.cpu = { ...(v.spec.domain.cpu ?? {}), dedicatedCpuPlacement: true };
};
const stage = configWith({ vmRolloutStrategy: 'Stage' });

const cases: Case[] = [
  ['requests within limits', resources({ requests: { memory: '128Mi', cpu: '500m' }, limits: { memory: '256Mi', cpu: '1' } }), []],
  ['negative memory request', resources({ requests: { memory: '-128Mi' } }), [[`${R}.requests.memory`, `${R}.requests.memory '-128Mi': must be greater than or equal to 0.`]]],
  ['memory request below 1M', resources({ requests: { memory: '512k' } }), [[`${R}.requests.memory`, `${R}.requests.memory '512k': must be greater than or equal to 1M.`]]],
  ['memory request above limit', resources({ requests: { memory: '2048Mi' }, limits: { memory: '1Gi' } }), [[`${R}.requests.memory`, `${R}.requests.memory '2Gi' is greater than ${R}.limits.memory '1Gi'`]]],
  ['negative memory limit', resources({ requests: { memory: '64Mi' }, limits: { memory: '-1Gi' } }), [[`${R}.limits.memory`, `${R}.limits.memory '-1Gi': must be greater than or equal to 0.`]]],
  ['cpu request above limit', resources({ requests: { memory: '64Mi', cpu: '2' }, limits: { cpu: '1500m' } }), [[`${R}.requests.cpu`, `${R}.requests.cpu '2' is greater than ${R}.limits.cpu '1500m'`]]],
  ['negative cpu request', resources({ requests: { memory: '64Mi', cpu: '-1' } }), [[`${R}.requests.cpu`, `${R}.requests.cpu '-1': must be greater than or equal to 0.`]]],
  ['no memory at all', resources({}), [['', "no memory requested, at least one of 'spec.domain.memory.guest', 'spec.domain.memory.hugepages.size' or 'spec.domain.resources.requests.memory' must be set"]]],
  ['guest memory is enough', (v) => { v.spec.domain.resources = {}; v.spec.domain.memory = { guest: '1Gi' }; }, []],
  ['hugepages multiple', (v) => { v.spec.domain.resources = { requests: { memory: '1Gi' } }; v.spec.domain.memory = { hugepages: { pageSize: '2Mi' } }; }, []],
  ['hugepages larger than memory', (v) => { v.spec.domain.resources = { requests: { memory: '64Mi' } }; v.spec.domain.memory = { hugepages: { pageSize: '1Gi' } }; }, [[`${R}.requests.memory`, `${R}.requests.memory '64Mi' must be equal to or larger than page size spec.domain.hugepages.size '1Gi'`]]],
  ['hugepages not a multiple', (v) => { v.spec.domain.resources = { requests: { memory: '65Mi' } }; v.spec.domain.memory = { hugepages: { pageSize: '2Mi' } }; }, [[`${R}.requests.memory`, `${R}.requests.memory '65Mi' is not a multiple of the page size spec.domain.hugepages.size '2Mi'`]]],
  ['guest above limit ignored under LiveUpdate', (v) => { v.spec.domain.resources = { limits: { memory: '128Mi' } }; v.spec.domain.memory = { guest: '1Gi' }; }, []],
  ['guest above limit under Stage', (v) => { v.spec.domain.resources = { limits: { memory: '128Mi' } }; v.spec.domain.memory = { guest: '1Gi' }; }, [['spec.domain.memory.guest', "spec.domain.memory.guest '1Gi' must be equal to or less than the memory limit spec.domain.resources.limits.memory '128Mi'"]], stage],
  ['dedicated CPUs with cores', (v) => { dedicated(v); v.spec.domain.cpu!.cores = 2; }, []],
  ['dedicated CPUs without any CPU count', (v) => { dedicated(v); }, [['spec.domain.cpu.dedicatedCpuPlacement', `either ${R}.requests.cpu or ${R}.limits.cpu or spec.domain.cpu.cores must be provided when DedicatedCPUPlacement is true `]]],
  ['dedicated CPUs with fractional cpu', (v) => { dedicated(v); v.spec.domain.resources = { requests: { memory: '1Gi', cpu: '1500m' } }; }, [[`${R}.requests.cpu`, 'provided resources CPU requests must be an interger']]],
  ['dedicated CPUs with unequal memory', (v) => { dedicated(v); v.spec.domain.resources = { requests: { memory: '1Gi', cpu: '2' }, limits: { memory: '2Gi', cpu: '2' } }; }, [[`${R}.requests.memory`, `${R}.requests.memory must be equal to ${R}.limits.memory`]]],
  ['dedicated CPUs with three threads', (v) => { dedicated(v); v.spec.domain.cpu!.threads = 3; }, [['spec.domain.cpu.dedicatedCpuPlacement', 'Not more than two threads must be provided at spec.domain.cpu.threads (got 3) when DedicatedCPUPlacement is true']]],
  ['isolateEmulatorThread without dedicated CPUs', (v) => { v.spec.domain.cpu = { isolateEmulatorThread: true }; }, [['spec.domain.cpu.isolateEmulatorThread', 'IsolateEmulatorThread should be only set in combination with DedicatedCPUPlacement']]],
  ['unknown CPU feature policy', (v) => { v.spec.domain.cpu = { features: [{ name: 'pcid', policy: 'maybe' as never }] }; }, [['spec.domain.cpu.features[0].policy', 'CPU feature pcid uses policy maybe that is not supported.']]],
  ['sockets above maxSockets', (v) => { v.spec.domain.cpu = { sockets: 4, maxSockets: 2 }; }, [['spec.domain.cpu.sockets', 'Number of sockets in CPU topology is greater than the maximum sockets allowed']]],
  ['NUMA passthrough needs gate, dedicated CPUs and hugepages', (v) => { v.spec.domain.cpu = { numa: { guestMappingPassthrough: {} } }; }, [
    ['spec.domain.cpu.numa.guestMappingPassthrough', 'NUMA feature gate is not enabled in kubevirt-config, invalid entry spec.domain.cpu.numa.guestMappingPassthrough'],
    ['spec.domain.cpu.numa.guestMappingPassthrough', 'spec.domain.cpu.dedicatedCpuPlacement must be set to true when NUMA topology strategy is set in spec.domain.cpu.numa.guestMappingPassthrough'],
    ['spec.domain.cpu.numa.guestMappingPassthrough', 'spec.domain.memory.hugepages must be requested when NUMA topology strategy is set in spec.domain.cpu.numa.guestMappingPassthrough'],
  ]],
  ['realtime needs dedicated CPUs and NUMA', (v) => { v.spec.domain.cpu = { realtime: {} }; }, [
    ['spec.domain.cpu.dedicatedCpuPlacement', 'spec.domain.cpu.dedicatedCpuPlacement must be set to true when spec.domain.cpu.realtime is used'],
    ['spec.domain.cpu.numa.guestMappingPassthrough', 'spec.domain.cpu.numa.guestMappingPassthrough must be defined when spec.domain.cpu.realtime is used'],
  ], withGates('NUMA')],
];

test('compute rules: field path and message of each cause', () => {
  for (const [name, mod, want, config] of cases) assertCauses(validateVMI(validVMI(mod), config ?? configWith()), want, name);
});
