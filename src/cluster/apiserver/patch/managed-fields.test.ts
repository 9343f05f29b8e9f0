import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identity, type Manager } from './managed-fields.js';

test('identity: the JSON of manager, operation, apiVersion (updates only) and subresource, in that order', () => {
  type Id = Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>;
  const cases: [Id, Record<string, string>][] = [
    [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1' }, { manager: 'kubectl', operation: 'Update', apiVersion: 'v1' }],
    [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1' }, { manager: 'kubectl', operation: 'Apply' }],
    [{ manager: 'virt-handler', operation: 'Update', apiVersion: 'kubevirt.io/v1', subresource: 'status' }, { manager: 'virt-handler', operation: 'Update', apiVersion: 'kubevirt.io/v1', subresource: 'status' }],
    [{ manager: 'a "quoted" \\ name é\n', operation: 'Update', apiVersion: '' }, { manager: 'a "quoted" \\ name é\n', operation: 'Update' }],
    [{ manager: '', operation: 'Apply', apiVersion: 'apps/v1', subresource: 'scale' }, { manager: '', operation: 'Apply', subresource: 'scale' }],
  ];
  for (const [m, want] of cases) assert.equal(identity(m), JSON.stringify(want), JSON.stringify(m));
});
