// Target and port parsing shared by port-forward, ssh and scp, and the argv handed to the
// system ssh/scp clients (ProxyCommand through `virtctl port-forward --stdio=true`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePort, parseTarget, portForwardPath } from './portforward.js';
import { parseSshTarget, proxyCommandOption, shellQuote, sshArgs } from './ssh.js';
import { parseScpOperands, scpArgs } from './scp.js';
import { runFake } from './testing.js';

const SELF = ['/usr/bin/node', '/opt/kubevirt-ts/bin/virtctl.js'];

test('parseTarget accepts type/name[/namespace] and rejects the rest', () => {
  const ok: [string, unknown][] = [
    ['vm/a', { kind: 'vm', name: 'a' }],
    ['VMIS/a/ns', { kind: 'vmi', name: 'a', namespace: 'ns' }],
    ['virtualmachineinstance/a', { kind: 'vmi', name: 'a' }],
  ];
  for (const [arg, want] of ok) assert.deepEqual(parseTarget(arg), want, arg);
  const bad: [string, RegExp][] = [
    ['', /target cannot be empty/],
    ['a', /must contain type and name separated by '\/'/],
    ['vm/a/b/c', /more than two '\/'/],
    ['vm/a/', /namespace cannot be empty/],
    ['vm/', /name cannot be empty/],
    ['pod/a', /unsupported resource type 'pod'/],
  ];
  for (const [arg, re] of bad) assert.throws(() => parseTarget(arg), re, arg);
});

test('parsePort reads [protocol/]local[:remote]', () => {
  const ok: [string, unknown][] = [
    ['8080', { local: 8080, remote: 8080, protocol: 'tcp' }],
    ['8080:80', { local: 8080, remote: 80, protocol: 'tcp' }],
    ['TCP/0:22', { local: 0, remote: 22, protocol: 'tcp' }],
    ['udp/53', { local: 53, remote: 53, protocol: 'udp' }],
  ];
  for (const [arg, want] of ok) assert.deepEqual(parsePort(arg), want, arg);
  for (const arg of ['', 'x', '8080:y', '70000', '1:2:3', 'sctp/80', '0']) assert.throws(() => parsePort(arg), /invalid|unknown protocol|must not be 0/, arg);
});

test('portForwardPath spells out the protocol and prefers the target namespace', () => {
  assert.equal(portForwardPath(parseTarget('vm/web'), 'default', parsePort('8080:80')), '/apis/subresources.kubevirt.io/v1/namespaces/default/virtualmachines/web/portforward/80/tcp');
  assert.equal(portForwardPath(parseTarget('vmi/web/prod'), 'default', parsePort('22')), '/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachineinstances/web/portforward/22/tcp');
});

test('parseSshTarget takes the user before @ and falls back to the namespace', () => {
  assert.deepEqual(parseSshTarget('root@vmi/a', 'ns'), { kind: 'vmi', name: 'a', namespace: 'ns', username: 'root' });
  assert.deepEqual(parseSshTarget('vm/a/other', 'ns'), { kind: 'vm', name: 'a', namespace: 'other' });
  assert.throws(() => parseSshTarget('@vmi/a', 'ns'), /expected username before '@'/);
  assert.throws(() => parseSshTarget('root@', 'ns'), /expected target after '@'/);
});

test('shellQuote leaves plain words alone and single-quotes the rest', () => {
  assert.equal(shellQuote('/usr/bin/node'), '/usr/bin/node');
  assert.equal(shellQuote('/a b/c'), "'/a b/c'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test('ssh argv: ProxyCommand, extra options, identity, user@kind.name.namespace, command', () => {
  const t = parseSshTarget('vmi/web/prod', 'default');
  const args = sshArgs(SELF, { kubeconfig: '/home/u/my kube' }, t, { port: 2222, identityFile: '/k/id', localSshOpts: ['-o StrictHostKeyChecking=no'], command: 'uname -a' }, { USER: 'alice' });
  assert.deepEqual(args, [
    '-o',
    "ProxyCommand=/usr/bin/node /opt/kubevirt-ts/bin/virtctl.js --kubeconfig '/home/u/my kube' port-forward --stdio=true vmi/web/prod 2222",
    '-o StrictHostKeyChecking=no',
    '-i',
    '/k/id',
    'alice@vmi.web.prod',
    'uname -a',
  ]);
  assert.throws(() => proxyCommandOption(SELF, {}, { kind: 'vmi', name: 'a;rm -rf', namespace: 'x' }, 22), /invalid name/);
});

test('virtctl ssh runs the system ssh and reports its failure as upstream does', async () => {
  const ok = await runFake(['ssh', 'root@vmi/web', '-n', 'prod', '-c', 'hostname', '-i', '/id', '--local-ssh=true'], {});
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.spawned.length, 1);
  assert.equal(ok.spawned[0]!.file, 'ssh');
  assert.deepEqual(ok.spawned[0]!.args.slice(-4), ['-i', '/id', 'root@vmi.web.prod', 'hostname']);
  const userFlag = await runFake(['ssh', '-l', 'bob', 'vmi/web'], {});
  assert.equal(userFlag.spawned[0]!.args.at(-1), 'bob@vmi.web.default');
  const failed = await runFake(['ssh', 'vmi/web'], { spawnExit: 255 });
  assert.equal(failed.code, 1);
  assert.equal(failed.stderr, 'exit status 255\n');
  const missing = await runFake(['ssh', 'vmi/web'], { onPath: [] });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /could not find the ssh binary/);
});

test('scp operands: exactly one remote side, copied in the right direction', () => {
  const up = parseScpOperands('file.bin', 'root@vmi/web:/tmp/f', 'ns');
  assert.deepEqual(up, { remote: { kind: 'vmi', name: 'web', namespace: 'ns', username: 'root' }, remotePath: '/tmp/f', localPath: 'file.bin', toRemote: true });
  const args = scpArgs(SELF, {}, up, { port: 22, recursive: true }, {});
  assert.deepEqual(args.slice(2), ['-r', 'file.bin', 'root@vmi.web.ns:/tmp/f']);
  const down = scpArgs(SELF, {}, parseScpOperands('vm/web/x:/etc/hostname', '.', 'ns'), { port: 22, preserve: true }, { USER: 'u' });
  assert.deepEqual(down.slice(2), ['-p', 'u@vm.web.x:/etc/hostname', '.']);
  assert.throws(() => parseScpOperands('a:b', 'vm/x:c', 'ns'), /remote location to another remote location/);
  assert.throws(() => parseScpOperands('a', 'b', 'ns'), /none of the two provided locations/);
});

test('virtctl scp runs the system scp', async () => {
  const r = await runFake(['scp', '-r', 'dir', 'vmi/web:/tmp/'], {});
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.spawned[0]!.file, 'scp');
  assert.deepEqual(r.spawned[0]!.args.slice(-3), ['-r', 'dir', 'tester@vmi.web.default:/tmp/']);
});

test('port-forward rejects bad arguments before connecting', async () => {
  for (const [argv, re] of [
    [['port-forward', 'vmi/a'], /missing required argument 'ports'/],
    [['port-forward', 'a', '80'], /must contain type and name/],
    [['port-forward', '--stdio', 'vmi/a', 'udp/53'], /only tcp ports can be forwarded to stdout/],
    [['port-forward', 'vmi/a', 'sctp/53'], /unknown protocol: sctp/],
    [['port-forward', '--stdio', 'vmi/a', '22', '80'], /only one port supported when forwarding to stdout/],
  ] as [string[], RegExp][]) {
    const r = await runFake(argv);
    assert.equal(r.code, 1, argv.join(' '));
    assert.match(r.stderr, re);
    assert.equal(r.streams.length, 0);
  }
});
