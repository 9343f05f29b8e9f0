import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainName, isVMIFinal, isVMIUnprocessed, runStrategyOf, vmiConditionTrue } from './helpers.js';
import type { VirtualMachine } from './vm.js';

test('run strategy from running or runStrategy', () => {
  const vm = (spec: Partial<VirtualMachine['spec']>) => ({ spec: { template: {}, ...spec } }) as Pick<VirtualMachine, 'spec'>;
  assert.equal(runStrategyOf(vm({ running: true })), 'Always');
  assert.equal(runStrategyOf(vm({ running: false })), 'Halted');
  assert.equal(runStrategyOf(vm({ runStrategy: 'RerunOnFailure' })), 'RerunOnFailure');
  assert.equal(runStrategyOf(vm({})), 'Halted');
  assert.throws(() => runStrategyOf(vm({ running: true, runStrategy: 'Always' })), /mutually exclusive/);
});

test('phase and condition questions', () => {
  assert.equal(isVMIFinal({ status: { phase: 'Failed' } }), true);
  assert.equal(isVMIFinal({ status: { phase: 'Running' } }), false);
  assert.equal(isVMIUnprocessed({}), true);
  assert.equal(isVMIUnprocessed({ status: { phase: 'Scheduling' } }), false);
  assert.equal(vmiConditionTrue({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'Ready'), true);
  assert.equal(vmiConditionTrue({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 'Ready'), false);
  assert.equal(domainName({ metadata: { namespace: 'ns', name: 'vm' } }), 'ns_vm');
});
