import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAUNCHER_USAGE, parseLauncherFlags } from './main.js';

const base = ['--name', 'vm1', '--namespace', 'default', '--private-dir', '/p'];

test('launcher flags: defaults and every optional flag', () => {
  assert.deepEqual(parseLauncherFlags(base), {
    name: 'vm1', namespace: 'default', privateDir: '/p', socketPath: '/p/launcher.sock', gracePeriodSeconds: 30, emulation: 'auto', network: 'pod',
  });
  const all = parseLauncherFlags([
    ...base, '--uid', 'u1', '--grace-period', '45', '--emulation', 'always', '--network', 'user', '--caps-cache-dir', '/c', '--container-disk-dir', '/cd',
    '--pvc-dir', '/pvc', '--config-volume-dir', '/cfg', '--service-account-dir', '/sa', '--socket', '/s.sock',
  ]);
  assert.deepEqual(all, {
    name: 'vm1', namespace: 'default', privateDir: '/p', socketPath: '/s.sock', gracePeriodSeconds: 45, emulation: 'always', network: 'user', uid: 'u1',
    capsCacheDir: '/c', containerDiskDir: '/cd', pvcDir: '/pvc', configVolumeRoot: '/cfg', serviceAccountDir: '/sa',
  });
  assert.match(LAUNCHER_USAGE, /--service-account-dir <value>/);
});

test('launcher flags: errors name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--namespace', 'default', '--private-dir', '/p'], /--name: Required value/],
    [[...base, '--grace-period=-1'], /--grace-period: Invalid value: "-1"/],
    [[...base, '--grace-period', 'x'], /--grace-period: Invalid value: "x"/],
    [[...base, '--emulation', 'maybe'], /--emulation: Unsupported value: "maybe": supported values: "auto", "always", "never"/],
    [[...base, '--network', 'host'], /--network: Unsupported value: "host"/],
    [[...base, '--bogus', '1'], /Unknown option '--bogus'/],
  ];
  for (const [argv, re] of cases) assert.throws(() => parseLauncherFlags(argv), re, argv.join(' '));
});
