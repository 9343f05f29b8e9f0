import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserInfo } from '../contracts.js';
import { parseRequestInfo } from '../http/request-info.js';
import { classify, isLongRunning } from './classify.js';

const admin: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const node: UserInfo = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const sa = (ns: string, name: string): UserInfo => ({ name: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] });
const controller = sa('kubevirt', 'kubevirt-controller');
const user: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
const groupless: UserInfo = { name: 'odd', groups: [] };

const info = (method: string, path: string) => parseRequestInfo(method, new URL(path, 'https://localhost'));

test('classify: built-in flow schemas in precedence order', () => {
  const cases: [string, string, string, UserInfo, string, string][] = [
    ['admin VMI create', 'POST', '/apis/kubevirt.io/v1/namespaces/d/virtualmachineinstances', admin, 'admin-creates', 'global-default'],
    ['admin namespace create', 'POST', '/api/v1/namespaces', admin, 'admin-creates', 'global-default'],
    ['admin VMI update stays exempt', 'PUT', '/apis/kubevirt.io/v1/namespaces/d/virtualmachineinstances/v', admin, 'exempt', 'exempt'],
    ['admin get stays exempt', 'GET', '/apis/kubevirt.io/v1/namespaces/d/virtualmachineinstances/v', admin, 'exempt', 'exempt'],
    ['scheduler binding', 'POST', '/api/v1/namespaces/d/pods/p/binding', { name: 'system:kube-scheduler', groups: ['system:authenticated'] }, 'kube-scheduler', 'workload-high'],
    ['scheduler lease', 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler', { name: 'system:kube-scheduler', groups: ['system:authenticated'] }, 'system-leader-election', 'leader-election'],
    ['scheduler event', 'POST', '/api/v1/namespaces/d/events', { name: 'system:kube-scheduler', groups: ['system:authenticated'] }, 'event-writes', 'workload-low'],
    ['admin binding', 'POST', '/api/v1/namespaces/d/pods/p/binding', admin, 'exempt', 'exempt'],
    ['admin event create', 'POST', '/api/v1/namespaces/d/events', admin, 'event-writes', 'workload-low'],
    ['node event patch', 'PATCH', '/api/v1/namespaces/d/events/e', node, 'event-writes', 'workload-low'],
    ['events.k8s.io create', 'POST', '/apis/events.k8s.io/v1/namespaces/d/events', controller, 'event-writes', 'workload-low'],
    ['event list is not a write', 'GET', '/api/v1/namespaces/d/events', controller, 'kube-system-service-accounts', 'workload-high'],
    ['probe', 'GET', '/readyz', anonymous, 'probes', 'exempt'],
    ['probe subpath', 'GET', '/livez/ping', user, 'probes', 'exempt'],
    ['controller lease', 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kubevirt/leases/virt-controller', controller, 'system-leader-election', 'leader-election'],
    ['kube-system lease get', 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/x', sa('kube-system', 'x'), 'system-leader-election', 'leader-election'],
    ['node lease', 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1', node, 'system-node-high', 'node-high'],
    ['node status', 'PATCH', '/api/v1/nodes/n1/status', node, 'system-node-high', 'node-high'],
    ['node pod status', 'PATCH', '/api/v1/namespaces/d/pods/p/status', node, 'system-nodes', 'system'],
    ['controller pod create', 'POST', '/api/v1/namespaces/d/pods', controller, 'kube-system-service-accounts', 'workload-high'],
    ['controller VMI update', 'PUT', '/apis/kubevirt.io/v1/namespaces/d/virtualmachineinstances/v', controller, 'kube-system-service-accounts', 'workload-high'],
    ['controller lease delete is not leader election', 'DELETE', '/apis/coordination.k8s.io/v1/namespaces/kubevirt/leases/x', controller, 'kube-system-service-accounts', 'workload-high'],
    ['other service account', 'POST', '/api/v1/namespaces/d/configmaps', sa('d', 'app'), 'service-accounts', 'workload-low'],
    ['other service account lease', 'PUT', '/apis/coordination.k8s.io/v1/namespaces/d/leases/x', sa('d', 'app'), 'service-accounts', 'workload-low'],
    ['user', 'GET', '/api/v1/namespaces/d/pods', user, 'global-default', 'global-default'],
    ['anonymous discovery', 'GET', '/version', anonymous, 'global-default', 'global-default'],
    ['no group matches', 'GET', '/api/v1/namespaces/d/pods', groupless, 'catch-all', 'catch-all'],
  ];
  for (const [name, method, path, u, schema, level] of cases) {
    assert.deepEqual(classify(info(method, path), u), { flowSchema: schema, priorityLevel: level, flow: u.name }, name);
  }
});

test('isLongRunning: watches and streaming subresources', () => {
  const cases: [string, string, boolean][] = [
    ['GET', '/api/v1/namespaces/d/pods?watch=true', true],
    ['GET', '/api/v1/watch/namespaces/d/pods', true],
    ['GET', '/api/v1/namespaces/d/pods/p/log', true],
    ['POST', '/api/v1/namespaces/d/pods/p/exec', true],
    ['GET', '/api/v1/namespaces/d/pods/p/proxy/x', true],
    ['GET', '/api/v1/namespaces/d/pods', false],
    ['POST', '/api/v1/namespaces/d/pods/p/binding', false],
    ['PUT', '/api/v1/namespaces/d/pods/p/status', false],
    ['GET', '/healthz', false],
  ];
  for (const [method, path, want] of cases) assert.equal(isLongRunning(info(method, path)), want, `${method} ${path}`);
});
