import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv } from './env.js';
import { serviceEnv, serviceVariables, type ServiceForEnv } from './service-env.js';
import type { Pod } from './types.js';

const svc = (namespace: string, name: string, clusterIP: string | undefined, ports: { name?: string; port: number; protocol?: string }[]): ServiceForEnv => ({
  metadata: { name, namespace },
  spec: { ...(clusterIP === undefined ? {} : { clusterIP }), ports },
});

const kubernetes = svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);

test('serviceVariables names and orders variables as kubelet does', () => {
  assert.deepEqual(serviceVariables(kubernetes), [
    ['KUBERNETES_SERVICE_HOST', '10.96.0.1'],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', 'tcp://10.96.0.1:443'],
    ['KUBERNETES_PORT_443_TCP', 'tcp://10.96.0.1:443'],
    ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
    ['KUBERNETES_PORT_443_TCP_PORT', '443'],
    ['KUBERNETES_PORT_443_TCP_ADDR', '10.96.0.1'],
  ]);
  assert.deepEqual(serviceVariables(svc('ns', 'redis-master', '10.0.0.11', [{ port: 6379 }, { name: 'metrics-udp', port: 9000, protocol: 'UDP' }])), [
    ['REDIS_MASTER_SERVICE_HOST', '10.0.0.11'],
    ['REDIS_MASTER_SERVICE_PORT', '6379'],
    ['REDIS_MASTER_SERVICE_PORT_METRICS_UDP', '9000'],
    ['REDIS_MASTER_PORT', 'tcp://10.0.0.11:6379'],
    ['REDIS_MASTER_PORT_6379_TCP', 'tcp://10.0.0.11:6379'],
    ['REDIS_MASTER_PORT_6379_TCP_PROTO', 'tcp'],
    ['REDIS_MASTER_PORT_6379_TCP_PORT', '6379'],
    ['REDIS_MASTER_PORT_6379_TCP_ADDR', '10.0.0.11'],
    ['REDIS_MASTER_PORT_9000_UDP', 'udp://10.0.0.11:9000'],
    ['REDIS_MASTER_PORT_9000_UDP_PROTO', 'udp'],
    ['REDIS_MASTER_PORT_9000_UDP_PORT', '9000'],
    ['REDIS_MASTER_PORT_9000_UDP_ADDR', '10.0.0.11'],
  ]);
  assert.equal(new Map(serviceVariables(svc('ns', 'v6', 'fd00::10', [{ port: 80 }]))).get('V6_PORT'), 'tcp://[fd00::10]:80');
});

test('serviceVariables skips Services without a cluster IP', () => {
  for (const ip of [undefined, '', 'None']) assert.deepEqual(serviceVariables(svc('ns', 'headless', ip, [{ port: 80 }])), [], String(ip));
});

test('serviceEnv picks the master Service always and the namespace Services with enableServiceLinks', () => {
  const all = [
    kubernetes,
    svc('web', 'front', '10.96.3.3', [{ port: 80 }]),
    svc('web', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'db', '10.96.4.4', [{ port: 5432 }]),
    svc('default', 'extra', '10.96.5.5', [{ port: 1 }]),
  ];
  const cases: { ns: string; links: boolean; want: string[] }[] = [
    { ns: 'web', links: true, want: ['FRONT_SERVICE_HOST', 'KUBERNETES_SERVICE_HOST'] },
    { ns: 'web', links: false, want: ['KUBERNETES_SERVICE_HOST'] },
    { ns: 'default', links: true, want: ['EXTRA_SERVICE_HOST', 'KUBERNETES_SERVICE_HOST'] },
    { ns: 'default', links: false, want: ['KUBERNETES_SERVICE_HOST'] },
  ];
  for (const { ns, links, want } of cases) {
    const hosts = [...serviceEnv(all, ns, links).keys()].filter((k) => k.endsWith('_SERVICE_HOST')).sort();
    assert.deepEqual(hosts, want, `${ns} links=${links}`);
  }
});

test('a namespace Service named kubernetes shadows the master one, in either list order', () => {
  const own = svc('web', 'kubernetes', '10.96.9.9', [{ port: 8080 }]);
  for (const list of [[kubernetes, own], [own, kubernetes]]) {
    assert.equal(serviceEnv(list, 'web').get('KUBERNETES_SERVICE_HOST'), '10.96.9.9');
    assert.equal(serviceEnv(list, 'web', false).get('KUBERNETES_SERVICE_HOST'), '10.96.0.1');
  }
});

test('containerEnv: the pod env wins over Service variables, which $(VAR) can reference', () => {
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'web' },
    spec: {
      containers: [{
        name: 'c',
        command: ['echo', '$(KUBERNETES_SERVICE_HOST)'],
        envFrom: [{ configMapRef: { name: 'cm' } }],
        env: [
          { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
          { name: 'API', value: 'https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)' },
        ],
      }],
    },
  };
  const c = pod.spec.containers[0]!;
  const env = containerEnv(pod, c, {
    configMaps: new Map([['cm', { FRONT_SERVICE_HOST: 'from-cm' }]]),
    secrets: new Map(),
    serviceEnv: serviceEnv([kubernetes, svc('web', 'front', '10.96.3.3', [{ port: 80 }])], 'web'),
  });
  assert.equal(env.get('KUBERNETES_SERVICE_PORT'), '6443');
  assert.equal(env.get('API'), 'https://10.96.0.1:6443');
  assert.equal(env.get('FRONT_SERVICE_HOST'), 'from-cm');
  assert.equal(env.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
  assert.equal(env.get('FRONT_PORT'), 'tcp://10.96.3.3:80');
  assert.deepEqual([...env.keys()].slice(0, 3), ['FRONT_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'API'], 'the pod’s own variables come first');
});
