import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowControlWaits } from './flow-control-waits.js';

const w = 'apiserver_flowcontrol_request_wait_duration_seconds';
const l = (level: string, schema = 's') => `flow_schema="${schema}",priority_level="${level}"`;

test('flowControlWaits: per level, dispatched and mean wait between two scrapes, rejections', () => {
  const before = [`${w}_sum{${l('workload-low')},execute="true"} 1`, `${w}_count{${l('workload-low')},execute="true"} 10`].join('\n');
  const after = [
    `${w}_bucket{${l('workload-low')},execute="true",le="1"} 14`,
    `${w}_sum{${l('workload-low')},execute="true"} 1.5`,
    `${w}_count{${l('workload-low')},execute="true"} 14`,
    `${w}_sum{${l('workload-high', 'a')},execute="true"} 0.01`,
    `${w}_count{${l('workload-high', 'a')},execute="true"} 5`,
    `${w}_sum{${l('workload-high', 'b')},execute="true"} 0.01`,
    `${w}_count{${l('workload-high', 'b')},execute="true"} 5`,
    `apiserver_flowcontrol_rejected_requests_total{${l('workload-low')},reason="queue-full"} 2`,
  ].join('\n');
  assert.deepEqual(flowControlWaits(before, after), {
    'workload-low': { dispatched: 4, meanWaitMs: 125, rejected: 2 },
    'workload-high': { dispatched: 10, meanWaitMs: 2, rejected: 0 },
  });
});
