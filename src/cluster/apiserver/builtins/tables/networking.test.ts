import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta/index.js';
import { builtinTable } from './index.js';
import { formatIngressHosts } from './networking.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const created = new Date(NOW - 3 * 60_000).toISOString();
const ing = { group: 'networking.k8s.io', kind: 'Ingress' };

test('Ingress rows: NAME CLASS HOSTS ADDRESS PORTS AGE', () => {
  const names = builtinTable(ing, []).columnDefinitions.map((c) => c.name);
  assert.deepEqual(names, ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    ['bare', { spec: { defaultBackend: {} } }, ['i', '<none>', '*', '', '80', '3m']],
    [
      'class, hosts, tls and load balancer',
      {
        spec: { ingressClassName: 'nginx', rules: [{ host: 'a.com' }, { host: 'b.com' }], tls: [{ hosts: ['a.com'] }] },
        status: { loadBalancer: { ingress: [{ ip: '192.0.2.9' }, { hostname: 'lb.example.com' }, { ip: '192.0.2.1' }, { ip: '192.0.2.1' }] } },
      },
      ['i', 'nginx', 'a.com,b.com', '192.0.2.1,192.0.2.9,lb.example.com', '80, 443', '3m'],
    ],
  ];
  for (const [name, extra, want] of cases) {
    const obj = { metadata: { name: 'i', creationTimestamp: created }, ...extra } as KubeObject;
    assert.deepEqual(builtinTable(ing, [obj], NOW).rows[0]?.cells, want, name);
  }
});

test('formatIngressHosts shows three hosts, then how many more rules there are', () => {
  const rules = (...hosts: string[]) => hosts.map((host) => (host ? { host } : {}));
  const cases: [unknown, string][] = [
    [undefined, '*'],
    [rules(''), '*'],
    [rules('a', '', 'b'), 'a,b'],
    [rules('a', 'b', 'c'), 'a,b,c'],
    [rules('a', 'b', 'c', 'd', 'e'), 'a,b,c + 2 more...'],
  ];
  for (const [r, want] of cases) assert.equal(formatIngressHosts(r), want, JSON.stringify(r));
});

test('IngressClass rows: NAME CONTROLLER PARAMETERS AGE', () => {
  const ic = { group: 'networking.k8s.io', kind: 'IngressClass' };
  assert.deepEqual(builtinTable(ic, []).columnDefinitions.map((c) => c.name), ['Name', 'Controller', 'Parameters', 'Age']);
  const cases: [Record<string, unknown>, string][] = [
    [{ controller: 'k8s.io/ingress-nginx' }, '<none>'],
    [{ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' } }, 'Params.k8s.example.com/p'],
    [{ controller: 'k8s.io/ingress-nginx', parameters: { kind: 'ConfigMap', name: 'p' } }, 'ConfigMap/p'],
  ];
  for (const [spec, params] of cases) {
    const row = builtinTable(ic, [{ metadata: { name: 'nginx', creationTimestamp: created }, spec }], NOW).rows[0]?.cells;
    assert.deepEqual(row, ['nginx', 'k8s.io/ingress-nginx', params, '3m']);
  }
});
