import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { StatusError } from '../../api/meta/index.js';
import { checkHandlerReachable, checkVMI, portForwardTarget } from './vmi-checks.js';
import type { VMISubresource } from './routes.js';

type Opts = { phase?: string; conditions?: { type: string; status: string }[]; liveness?: boolean; serial?: false; graphics?: false; acpi?: false };
const vmi = (o: Opts): VirtualMachineInstance =>
  ({
    metadata: { name: 'v', namespace: 'ns' },
    spec: {
      domain: { devices: { ...(o.serial === false ? { autoattachSerialConsole: false } : {}), ...(o.graphics === false ? { autoattachGraphicsDevice: false } : {}) }, ...(o.acpi === false ? { features: { acpi: { enabled: false } } } : {}) },
      ...(o.liveness ? { livenessProbe: { tcpSocket: { port: 22 } } } : {}),
    },
    status: { phase: o.phase ?? 'Running', conditions: o.conditions ?? [], interfaces: [{ ipAddress: '10.244.1.5' }] },
  }) as unknown as VirtualMachineInstance;

function result(v: VirtualMachineInstance, sub: VMISubresource): string {
  try {
    checkVMI(v, sub);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return `${e.code} ${e.message}`;
  }
}

const on = (why: string): string => `409 Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "v": ${why}`;
const paused = [{ type: 'Paused', status: 'True' }];

test('each VMI subresource checks the VMI as upstream does', () => {
  const cases: [string, Opts, VMISubresource, string][] = [
    ['pause running', {}, 'pause', 'ok'],
    ['pause scheduled', { phase: 'Scheduled' }, 'pause', on('VM is not running')],
    ['pause paused', { conditions: paused }, 'pause', on('VMI is already paused')],
    ['pause with liveness', { liveness: true }, 'pause', '403 virtualmachineinstance.kubevirt.io "v" is forbidden: Pausing VMIs with LivenessProbe is currently not supported'],
    ['unpause not paused', {}, 'unpause', on('VMI is not paused')],
    ['unpause paused', { conditions: paused }, 'unpause', 'ok'],
    ['unpause stopped', { phase: 'Succeeded' }, 'unpause', on('VMI is not running')],
    ['softreboot paused', { conditions: paused }, 'softreboot', on('VMI is paused')],
    ['softreboot no acpi', { acpi: false }, 'softreboot', on('VMI neither have the agent connected nor the ACPI feature enabled')],
    ['softreboot', {}, 'softreboot', 'ok'],
    ['reset anything', { phase: 'Pending' }, 'reset', 'ok'],
    ['guestosinfo no agent', {}, 'guestosinfo', on('VMI does not have guest agent connected')],
    ['userlist agent', { conditions: [{ type: 'AgentConnected', status: 'True' }] }, 'userlist', 'ok'],
    ['filesystemlist stopped', { phase: 'Succeeded' }, 'filesystemlist', on('VMI is not running')],
    ['console', {}, 'console', 'ok'],
    ['console scheduled', { phase: 'Scheduled' }, 'console', '400 VMI is not running'],
    ['console failed', { phase: 'Failed' }, 'console', on('VMI is in failed status')],
    ['console without serial', { serial: false }, 'console', '400 No serial consoles are present.'],
    ['vnc without graphics', { graphics: false }, 'vnc', '400 No graphics devices are present.'],
    ['screenshot without graphics', { graphics: false }, 'vnc/screenshot', '400 No graphics devices are present.'],
  ];
  for (const [name, o, sub, want] of cases) assert.equal(result(vmi(o), sub), want, name);
});

test('virt-handler is reachable for Scheduled and Running VMIs; port-forward targets the first interface', () => {
  assert.doesNotThrow(() => checkHandlerReachable(vmi({ phase: 'Scheduled' })));
  assert.throws(() => checkHandlerReachable(vmi({ phase: 'Pending' })), /phase is Pending instead of Running or Scheduled/);
  assert.equal(portForwardTarget(vmi({})), '10.244.1.5');
  assert.throws(() => portForwardTarget({ ...vmi({}), status: { phase: 'Running' } }), /no network interfaces are present/);
});
