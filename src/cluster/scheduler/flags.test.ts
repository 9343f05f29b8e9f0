import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindTimeoutSeconds, kubeSchedulerArgs } from './flags.js';

test('kube-scheduler runs with its kubeconfig, behind its Lease with a fixed identity, and the bind timeout', () => {
  assert.deepEqual(kubeSchedulerArgs({ kubeconfig: '/d/components/kube-scheduler.kubeconfig', identity: 'kube-scheduler-h', bindTimeoutSeconds: 6 }), [
    '--kubeconfig', '/d/components/kube-scheduler.kubeconfig', '--leader-elect', '--leader-elect-identity', 'kube-scheduler-h', '--bind-timeout-seconds', '6',
  ]);
});

test('the bind timeout comes from KUBEVIRT_TS_BIND_TIMEOUT_SECONDS when it is a positive number', () => {
  const cases: [string | undefined, number][] = [[undefined, 600], ['6', 6], ['0.5', 0.5], ['0', 600], ['-3', 600], ['soon', 600], ['', 600], [' ', 600]];
  for (const [v, want] of cases) assert.equal(bindTimeoutSeconds(v === undefined ? {} : { KUBEVIRT_TS_BIND_TIMEOUT_SECONDS: v }), want, String(v));
});
