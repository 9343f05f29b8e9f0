import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute } from './routes.js';

const B = '/apis/subresources.kubevirt.io/v1';

test('parseRoute maps upstream paths and verbs', () => {
  const cases: [string, string, unknown][] = [
    ['GET', '/', { kind: 'root' }],
    ['GET', '/apis', { kind: 'apis' }],
    ['GET', '/apis/subresources.kubevirt.io', { kind: 'group' }],
    ['GET', `${B}/`, { kind: 'resources' }],
    ['GET', `${B}/version`, { kind: 'version' }],
    ['GET', `${B}/healthz`, { kind: 'healthz' }],
    ['PUT', `${B}/namespaces/ns/virtualmachines/vm1/start`, { kind: 'vm', namespace: 'ns', name: 'vm1', sub: 'start' }],
    ['PUT', `${B}/namespaces/ns/virtualmachines/vm1/stop`, { kind: 'vm', namespace: 'ns', name: 'vm1', sub: 'stop' }],
    ['GET', `${B}/namespaces/ns/virtualmachines/vm1/expand-spec`, { kind: 'vm', namespace: 'ns', name: 'vm1', sub: 'expand-spec' }],
    ['PUT', `${B}/namespaces/ns/virtualmachineinstances/v/pause`, { kind: 'vmi', namespace: 'ns', name: 'v', sub: 'pause' }],
    ['GET', `${B}/namespaces/ns/virtualmachineinstances/v/console`, { kind: 'vmi', namespace: 'ns', name: 'v', sub: 'console' }],
    ['GET', `${B}/namespaces/ns/virtualmachineinstances/v/vnc/screenshot`, { kind: 'vmi', namespace: 'ns', name: 'v', sub: 'vnc/screenshot' }],
    ['GET', `${B}/namespaces/ns/virtualmachineinstances/v/portforward/80`, { kind: 'vmi', namespace: 'ns', name: 'v', sub: 'portforward', port: 80 }],
    ['GET', `${B}/namespaces/ns/virtualmachines/v/portforward/22/tcp`, { kind: 'vm', namespace: 'ns', name: 'v', sub: 'portforward', port: 22, protocol: 'tcp' }],
    ['GET', `${B}/namespaces/ns/virtualmachineinstances/v/portforward/0`, { kind: 'not-found' }],
    ['GET', `${B}/namespaces/ns/virtualmachineinstances/v/portforward/70000`, { kind: 'not-found' }],
    ['GET', `${B}/namespaces/ns/virtualmachineinstances/v/pause`, { kind: 'method-not-allowed', allowed: 'PUT' }],
    ['PUT', `${B}/namespaces/ns/virtualmachineinstances/v/console`, { kind: 'method-not-allowed', allowed: 'GET' }],
    ['PUT', `${B}/namespaces/ns/virtualmachineinstances/v/start`, { kind: 'not-found' }],
    ['PUT', `${B}/namespaces/ns/pods/v/start`, { kind: 'not-found' }],
    ['GET', '/apis/kubevirt.io/v1', { kind: 'not-found' }],
    ['PUT', `${B}/namespaces/ns/expand-vm-spec`, { kind: 'expand-vm-spec', namespace: 'ns' }],
    ['GET', `${B}/namespaces/ns/expand-vm-spec`, { kind: 'method-not-allowed', allowed: 'PUT' }],
    ['GET', `${B}/namespaces/ns/virtualmachineinstances/%E0%A4%A/console`, { kind: 'not-found' }],
  ];
  for (const [method, path, want] of cases) assert.deepEqual(parseRoute(method, path), want, `${method} ${path}`);
});
