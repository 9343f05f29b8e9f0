import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[]];
const noPodNetwork = (v: VirtualMachineInstance) => {
  v.spec.networks = [];
  v.spec.domain.devices.interfaces = [];
};

const cases: Case[] = [
  ['tcp readiness probe', (v) => { v.spec.readinessProbe = { tcpSocket: { port: 22 } }; }, []],
  ['two handlers', (v) => { v.spec.readinessProbe = { tcpSocket: { port: 22 }, exec: { command: ['true'] } }; }, [['spec.readinessProbe', 'spec.readinessProbe must have exactly one probe type set']]],
  ['no handler', (v) => { v.spec.livenessProbe = { periodSeconds: 3 }; }, [['spec.livenessProbe', 'either spec.livenessProbe.tcpSocket, spec.livenessProbe.exec or spec.livenessProbe.httpGet must be set if a spec.livenessProbe is specified']]],
  ['http probe without pod network', (v) => { noPodNetwork(v); v.spec.livenessProbe = { httpGet: { port: 80 } }; }, [['spec.livenessProbe.httpGet', 'spec.livenessProbe.httpGet is only allowed if the Pod Network is attached']]],
  ['guest agent ping without pod network', (v) => { noPodNetwork(v); v.spec.readinessProbe = { guestAgentPing: {} }; }, []],
  ['paused start', (v) => { v.spec.startStrategy = 'Paused'; }, []],
  ['unknown start strategy', (v) => { v.spec.startStrategy = 'Sleepy' as never; }, [['spec.startStrategy', 'spec.startStrategy is set with an unrecognized option: Sleepy']]],
  ['paused with liveness probe', (v) => { v.spec.startStrategy = 'Paused'; v.spec.livenessProbe = { guestAgentPing: {} }; }, [['spec.startStrategy', 'either spec.startStrategy or spec.livenessProbe should be provided.Pausing VMI with LivenessProbe is not supported']]],
];

test('probe and start-strategy rules: field path and message of each cause', () => {
  for (const [name, mod, want] of cases) assertCauses(validateVMI(validVMI(mod), configWith()), want, name);
});
