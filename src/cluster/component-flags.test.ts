import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHandlerEndpoints, staticLocator } from '../virt-api/run.js';
import { formatControllerLine, formatHandlerEndpoints, virtApiArgs, virtControllerArgs } from './component-flags.js';

test('handler endpoints survive formatting and parsing', () => {
  const eps = new Map([['node01', { host: '127.0.0.1', port: 40001 }], ['node02', { host: '127.0.0.1', port: 40002 }]]);
  const spec = formatHandlerEndpoints(eps);
  assert.equal(spec, 'node01=127.0.0.1:40001,node02=127.0.0.1:40002');
  assert.deepEqual(parseHandlerEndpoints(spec), eps);
});

test('parseHandlerEndpoints: table', () => {
  const cases: { spec: string; want?: [string, string, number][]; err?: RegExp }[] = [
    { spec: '', want: [] },
    { spec: ' node01=10.0.0.1:8186 , ', want: [['node01', '10.0.0.1', 8186]] },
    { spec: 'n=[::1]:8186', want: [['n', '::1', 8186]] },
    { spec: 'node01=127.0.0.1', err: /entry "node01=127.0.0.1": expected node=host:port/ },
    { spec: '127.0.0.1:80', err: /entry "127.0.0.1:80"/ },
    { spec: 'n=h:0', err: /entry "n=h:0"/ },
    { spec: 'n=h:70000', err: /entry "n=h:70000"/ },
    { spec: 'n=h:1,n=h:2', err: /node "n" listed twice/ },
  ];
  for (const c of cases) {
    if (c.err) assert.throws(() => parseHandlerEndpoints(c.spec), c.err, c.spec);
    else assert.deepEqual([...parseHandlerEndpoints(c.spec)].map(([n, e]) => [n, e.host, e.port]), c.want, c.spec);
  }
});

test('staticLocator finds listed nodes and refuses others by name', async () => {
  const locate = staticLocator(parseHandlerEndpoints('node01=127.0.0.1:40001'));
  assert.deepEqual(await locate('node01'), { host: '127.0.0.1', port: 40001 });
  await assert.rejects(locate('node02'), /no virt-handler runs on node node02/);
});

/** The value following `flag` in `args`. */
const flag = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

test('virtApiArgs names the port, files, accounts and handler endpoints', () => {
  const args = virtApiArgs({
    kubeconfig: '/d/components/kubevirt-apiserver.kubeconfig', host: '127.0.0.1', port: 41234, certFile: '/d/tls.crt', keyFile: '/d/tls.key',
    namespace: 'kubevirt', serviceAccounts: ['kubevirt-controller', 'kubevirt-handler'], requestHeaderCaFile: '/d/rh.crt', requestHeaderAllowedNames: ['front-proxy-client'],
    handlerCaFile: '/p/kubevirt-ca.crt', handlerClientCertFile: '/d/hc.crt', handlerClientKeyFile: '/d/hc.key',
    handlerEndpoints: new Map([['node01', { host: '127.0.0.1', port: 40001 }]]),
  });
  const want: [string, string][] = [
    ['--kubeconfig', '/d/components/kubevirt-apiserver.kubeconfig'], ['--bind-address', '127.0.0.1'], ['--port', '41234'],
    ['--tls-cert-file', '/d/tls.crt'], ['--tls-key-file', '/d/tls.key'], ['--namespace', 'kubevirt'],
    ['--kubevirt-service-accounts', 'kubevirt-controller,kubevirt-handler'], ['--requestheader-client-ca-file', '/d/rh.crt'],
    ['--requestheader-allowed-names', 'front-proxy-client'], ['--handler-ca-file', '/p/kubevirt-ca.crt'],
    ['--handler-client-cert-file', '/d/hc.crt'], ['--handler-client-key-file', '/d/hc.key'], ['--handler-endpoints', 'node01=127.0.0.1:40001'],
  ];
  for (const [name, value] of want) assert.equal(flag(args, name), value, name);
  assert.equal(args.length, want.length * 2);
});

test('virtControllerArgs: leader election with a fixed identity, node timeouts from the heartbeat period', () => {
  const base = { kubeconfig: '/k', leaseNamespace: 'kubevirt', identity: 'virt-controller-h', launcherVersion: 'latest', heartbeatSeconds: 2 };
  const args = virtControllerArgs({ ...base, useEmulation: true });
  assert.ok(args.includes('--leader-elect'));
  assert.ok(args.includes('--use-emulation'));
  assert.equal(flag(args, '--identity'), 'virt-controller-h');
  assert.equal(flag(args, '--node-heartbeat-timeout-seconds'), '10');
  assert.equal(flag(args, '--node-recheck-seconds'), '2');
  assert.ok(!virtControllerArgs({ ...base, useEmulation: false }).includes('--use-emulation'));
});

test('formatControllerLine: table', () => {
  const cases: [string, string][] = [
    ['{"level":"info","component":"virt-controller","msg":"virt-controller started","identity":"x"}', 'virt-controller started {"identity":"x"}'],
    ['{"level":"error","component":"virt-controller","msg":"sync failed"}', 'error: sync failed'],
    ['plain text', 'plain text'],
    ['{"no":"msg"}', '{"no":"msg"}'],
    ['[1,2]', '[1,2]'],
  ];
  for (const [line, want] of cases) assert.equal(formatControllerLine(line), want, line);
});
