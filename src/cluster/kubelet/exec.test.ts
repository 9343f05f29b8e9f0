import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { execInvocation } from './exec.js';
import { chooseProtocol, exitStatus, frame } from './exec-stream.js';

test('execInvocation passes the command only through the environment', () => {
  const rt = { sandboxPid: 42, env: { A: '1' }, workingDir: '/w', rootfs: '/r' };
  const plain = execInvocation(rt, { command: ['echo', '$(rm -rf /)', 'a b'], stdin: false, tty: false });
  assert.deepEqual(plain.argv.slice(0, 8), ['nsenter', '-t', '42', '-m', '-n', '--', '/bin/sh', '-c']);
  assert.equal(plain.argv.length, 9);
  assert.deepEqual([plain.env.KVTS_ARGC, plain.env.KVTS_ARG_0, plain.env.KVTS_ARG_1, plain.env.KVTS_ARG_2, plain.env.KVTS_WD, plain.env.KVTS_ROOT, plain.env.A], ['3', 'echo', '$(rm -rf /)', 'a b', '/w', '/r', '1']);
  const tty = execInvocation({ ...rt, rootfs: undefined }, { command: ['sh'], stdin: true, tty: true });
  assert.equal(tty.argv[6], 'script');
  assert.equal(tty.env.TERM, 'xterm');
  assert.equal(tty.env.KVTS_ROOT, '');
});

test('the exec script rebuilds argv verbatim and runs it in the working dir', () => {
  const { argv, env } = execInvocation({ sandboxPid: 1, env: { PATH: '/usr/bin:/bin' }, workingDir: '/' }, { command: ['printf', '%s|', '$HOME', 'a b', '`x`', ''], stdin: false, tty: false });
  const script = argv[argv.length - 1] ?? '';
  const r = spawnSync('/bin/sh', ['-c', script], { env, encoding: 'utf8' });
  assert.equal(r.stdout, '$HOME|a b|`x`||');
});

test('channel protocol: subprotocol choice, frames and exit statuses', () => {
  assert.equal(chooseProtocol(new Set(['v4.channel.k8s.io', 'v5.channel.k8s.io'])), 'v5.channel.k8s.io');
  assert.equal(chooseProtocol(new Set(['v4.channel.k8s.io'])), 'v4.channel.k8s.io');
  assert.equal(chooseProtocol(new Set(['channel.k8s.io'])), false);
  assert.deepEqual([...frame(1, 'hi')], [1, 104, 105]);
  assert.deepEqual(exitStatus(0, null), { metadata: {}, status: 'Success' });
  const failed = exitStatus(3, null) as { reason: string; details: { causes: { reason: string; message: string }[] } };
  assert.equal(failed.reason, 'NonZeroExitCode');
  assert.deepEqual(failed.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  assert.equal((exitStatus(null, 'SIGKILL') as { details: { causes: { message: string }[] } }).details.causes[0]?.message, '137');
  assert.equal((exitStatus(null, 'SIGSEGV') as { details: { causes: { message: string }[] } }).details.causes[0]?.message, '139');
});
