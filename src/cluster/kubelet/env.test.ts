import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerConfigError, containerArgv, containerEnv, expandVars, referencedObjects } from './env.js';
import type { Pod } from './types.js';

test('expandVars follows Kubernetes $(VAR) rules', () => {
  const vars = new Map([['A', 'x'], ['B', '$(A)']]);
  const cases: [string, string][] = [
    ['$(A)', 'x'],
    ['pre-$(A)-post', 'pre-x-post'],
    ['$$(A)', '$(A)'],
    ['$(MISSING)', '$(MISSING)'],
    ['$(A', '$(A'],
    ['a$b', 'a$b'],
    ['$(B)', '$(A)'],
    ['trailing$', 'trailing$'],
  ];
  for (const [input, want] of cases) assert.equal(expandVars(input, vars), want, input);
});

const pod: Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'web' } },
  spec: {
    nodeName: 'node01',
    containers: [{
      name: 'c',
      command: ['echo', '$(GREETING)'],
      args: ['$(POD)', '$$(POD)'],
      resources: { limits: { memory: '64Mi' } },
      envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
      env: [
        { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cm', key: 'greeting' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
        { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'COMBINED', value: '$(POD)/$(APP)' },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'cm', key: 'none', optional: true } } },
      ],
    }],
  },
};
const sources = { configMaps: new Map([['cm', { greeting: 'hello' }]]), secrets: new Map([['s', { pw: 'sekret' }]]), nodeAllocatable: { cpu: '1500m' } };

test('containerEnv resolves every source kind in order', () => {
  const env = containerEnv(pod, pod.spec.containers[0]!, sources);
  assert.deepEqual(Object.fromEntries(env), {
    CM_greeting: 'hello', GREETING: 'hello', POD: 'p', APP: 'web', PASS: 'sekret', MEM_MI: '64', CPU: '2', COMBINED: 'p/web',
  });
  assert.deepEqual(containerArgv(pod.spec.containers[0]!, env), ['echo', 'hello', 'p', '$(POD)']);
});

test('containerEnv reports missing objects and keys as kubelet words them', () => {
  const cases: [Record<string, Record<string, string>>, RegExp][] = [
    [{}, /configmap "cm" not found/],
    [{ cm: {} }, /couldn't find key greeting in ConfigMap ns\/cm/],
  ];
  for (const [cms, re] of cases) {
    assert.throws(() => containerEnv(pod, pod.spec.containers[0]!, { ...sources, configMaps: new Map(Object.entries(cms)) }), (e: unknown) => e instanceof ContainerConfigError && re.test(e.message));
  }
});

test('containerArgv falls back to the image entrypoint and cmd', () => {
  const img = { entrypoint: ['/bin/sh'], cmd: ['-c', 'true'] };
  assert.deepEqual(containerArgv({ name: 'a' }, new Map(), img), ['/bin/sh', '-c', 'true']);
  assert.deepEqual(containerArgv({ name: 'a', args: ['x'] }, new Map(), img), ['/bin/sh', 'x']);
  assert.deepEqual(containerArgv({ name: 'a', command: ['ls'] }, new Map(), img), ['ls']);
});

test('referencedObjects lists env and volume references', () => {
  const p: Pod = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'v', secret: { secretName: 's2' } }, { name: 'w', projected: { sources: [{ configMap: { name: 'cm2' } }] } }] } };
  const r = referencedObjects(p);
  assert.deepEqual([...r.configMaps].sort(), ['cm', 'cm2']);
  assert.deepEqual([...r.secrets].sort(), ['s', 's2']);
});

test('containerArgv maps a command naming an image binary to that binary', () => {
  const img = { entrypoint: ['/usr/bin/node', '/repo/dist/cmd/virt-launcher.js'], binaries: { 'virt-launcher': ['/usr/bin/node', '/repo/dist/cmd/virt-launcher.js'] } };
  const c = { name: 'compute', command: ['virt-launcher', '--name', 'vm1'] };
  assert.deepEqual(containerArgv(c, new Map(), img), ['/usr/bin/node', '/repo/dist/cmd/virt-launcher.js', '--name', 'vm1']);
  assert.deepEqual(containerArgv({ name: 'c', command: ['/usr/bin/virt-launcher'] }, new Map(), img), ['/usr/bin/node', '/repo/dist/cmd/virt-launcher.js']);
  assert.deepEqual(containerArgv({ name: 'c', command: ['sh', '-c', 'true'] }, new Map(), img), ['sh', '-c', 'true']);
});
