// Flag parsing and request building of the request/response commands, end to end through the
// command tree against a recording fake API: method, path, body, output, exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/meta/index.js';
import { runFake } from './testing.js';

const SUB = '/apis/subresources.kubevirt.io/v1/namespaces';

interface Case {
  readonly argv: string[];
  readonly method?: string;
  readonly path?: string;
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  readonly stdout?: string | RegExp;
  readonly stderr?: RegExp;
  readonly code?: number;
}

const cases: readonly Case[] = [
  { argv: ['start', 'myvm'], method: 'PUT', path: `${SUB}/default/virtualmachines/myvm/start`, body: {}, stdout: 'VM myvm was scheduled to start\n' },
  { argv: ['start', 'myvm', '--paused'], method: 'PUT', path: `${SUB}/default/virtualmachines/myvm/start`, body: { paused: true } },
  { argv: ['start', 'myvm', '--paused=true', '-n', 'ns1'], method: 'PUT', path: `${SUB}/ns1/virtualmachines/myvm/start`, body: { paused: true } },
  { argv: ['start', 'myvm', '--paused=false'], method: 'PUT', path: `${SUB}/default/virtualmachines/myvm/start`, body: {} },
  { argv: ['start', 'myvm', '--dry-run'], body: { dryRun: ['All'] }, stdout: 'Dry Run execution\nVM myvm was scheduled to start\n' },
  { argv: ['--namespace', 'ns2', 'stop', 'myvm'], method: 'PUT', path: `${SUB}/ns2/virtualmachines/myvm/stop`, body: {}, stdout: 'VM myvm was scheduled to stop\n' },
  { argv: ['stop', 'myvm', '--force', '--grace-period', '0'], body: { gracePeriod: 0 } },
  { argv: ['stop', 'myvm', '--force=true', '--grace-period=0', '--dry-run'], body: { gracePeriod: 0, dryRun: ['All'] } },
  { argv: ['stop', 'myvm', '--force'], code: 1, stderr: /^Must both use --force=true and set --grace-period\.\n$/ },
  { argv: ['stop', 'myvm', '--grace-period', '0'], code: 1, stderr: /Must both use --force=true and set --grace-period/ },
  { argv: ['stop', 'myvm', '--grace-period', 'x', '--force'], code: 1, stderr: /invalid argument "x"/ },
  { argv: ['restart', 'myvm'], method: 'PUT', path: `${SUB}/default/virtualmachines/myvm/restart`, body: {}, stdout: 'VM myvm was scheduled to restart\n' },
  { argv: ['restart', 'myvm', '--force', '--grace-period=0'], body: { gracePeriodSeconds: 0 } },
  { argv: ['pause', 'vmi', 'v1'], method: 'PUT', path: `${SUB}/default/virtualmachineinstances/v1/pause`, body: {}, stdout: 'VMI v1 was scheduled to pause\n' },
  { argv: ['pause', 'VirtualMachine', 'v1', '--dry-run'], method: 'PUT', path: `${SUB}/default/virtualmachineinstances/v1/pause`, body: { dryRun: ['All'] } },
  { argv: ['unpause', 'vm', 'v1'], method: 'PUT', path: `${SUB}/default/virtualmachineinstances/v1/unpause`, body: {}, stdout: 'VMI v1 was scheduled to unpause\n' },
  { argv: ['pause', 'pod', 'v1'], code: 1, stderr: /unsupported resource type 'pod'/ },
  { argv: ['pause', 'vm'], code: 1, stderr: /missing required argument 'name'/ },
  { argv: ['soft-reboot', 'v1'], method: 'PUT', path: `${SUB}/default/virtualmachineinstances/v1/softreboot`, body: undefined, stdout: 'VMI v1 was scheduled to soft-reboot\n' },
  { argv: ['guestosinfo', 'v1'], method: 'GET', path: `${SUB}/default/virtualmachineinstances/v1/guestosinfo`, stdout: '{\n  "hostname": "guest"\n}\n' },
  { argv: ['userlist', 'v1'], method: 'GET', path: `${SUB}/default/virtualmachineinstances/v1/userlist` },
  { argv: ['fslist', 'v1', '-n', 'x'], method: 'GET', path: `${SUB}/x/virtualmachineinstances/v1/filesystemlist` },
  { argv: ['vnc', 'screenshot', 'v1', '--file', '-'], method: 'GET', path: `${SUB}/default/virtualmachineinstances/v1/vnc/screenshot`, query: { moveCursor: 'false' }, stdout: '\x89PNG' },
  { argv: ['vnc', 'screenshot', 'v1', '-f', '-', '-m'], query: { moveCursor: 'true' } },
  { argv: ['vnc', 'screenshot', 'v1'], code: 1, stderr: /required option '-f, --file <file>' not specified/ },
  { argv: ['start'], code: 1, stderr: /missing required argument 'vm'/ },
  { argv: ['start', 'a', '--bogus'], code: 1, stderr: /unknown option '--bogus'/ },
  { argv: ['nonsense'], code: 1, stderr: /unknown command 'nonsense'/ },
];

const answer = (path: string): unknown => (path.endsWith('/guestosinfo') ? { hostname: 'guest' } : path.endsWith('/screenshot') ? Buffer.from('\x89PNG', 'latin1') : undefined);

for (const c of cases) {
  test(`virtctl ${c.argv.join(' ')}`, async () => {
    const r = await runFake(c.argv, { handler: (req) => answer(req.path) });
    assert.equal(r.code, c.code ?? 0, r.stderr);
    if (c.code) {
      assert.equal(r.requests.length, 0, 'nothing is sent when the command line is wrong');
    } else {
      assert.equal(r.requests.length, 1);
      const req = r.requests[0]!;
      if (c.method) assert.equal(req.method, c.method);
      if (c.path) assert.equal(req.path, c.path);
      if ('body' in c) assert.deepEqual(req.body, c.body);
      if (c.query) assert.deepEqual(req.query, c.query);
    }
    if (typeof c.stdout === 'string') assert.equal(r.stdout, c.stdout);
    if (c.stdout instanceof RegExp) assert.match(r.stdout, c.stdout);
    if (c.stderr) assert.match(r.stderr, c.stderr);
  });
}

test('API errors are wrapped as upstream words them and exit 1', async () => {
  const notFound = (): never => {
    throw new StatusError(404, 'NotFound', 'virtualmachines.kubevirt.io "nope" not found');
  };
  const table: [string[], string][] = [
    [['start', 'nope'], 'Error starting VirtualMachine virtualmachines.kubevirt.io "nope" not found\n'],
    [['stop', 'nope'], 'error stopping VirtualMachine virtualmachines.kubevirt.io "nope" not found\n'],
    [['stop', 'nope', '--force', '--grace-period=0'], 'error force stopping VirtualMachine: virtualmachines.kubevirt.io "nope" not found\n'],
    [['restart', 'nope'], 'error restarting VirtualMachine: virtualmachines.kubevirt.io "nope" not found\n'],
    [['pause', 'vmi', 'nope'], 'Error pausing VirtualMachineInstance nope: virtualmachines.kubevirt.io "nope" not found\n'],
    [['unpause', 'vmi', 'nope'], 'Error unpausing VirtualMachineInstance nope: virtualmachines.kubevirt.io "nope" not found\n'],
    [['soft-reboot', 'nope'], 'Error soft rebooting VirtualMachineInstance nope: virtualmachines.kubevirt.io "nope" not found\n'],
    [['guestosinfo', 'nope'], 'Error getting guestosinfo of VirtualMachineInstance nope, virtualmachines.kubevirt.io "nope" not found\n'],
    [['vnc', 'screenshot', 'nope', '-f', 'x.png'], "Can't access VMI nope: virtualmachines.kubevirt.io \"nope\" not found\n"],
  ];
  for (const [argv, msg] of table) {
    const r = await runFake(argv, { handler: notFound });
    assert.equal(r.code, 1, argv.join(' '));
    assert.equal(r.stderr, msg);
    assert.equal(r.stdout.includes('scheduled'), false);
  }
});

test('--help works on every command and exits 0', async () => {
  const commands = [[], ['start'], ['stop'], ['restart'], ['pause'], ['unpause'], ['soft-reboot'], ['console'], ['vnc'], ['vnc', 'screenshot'], ['port-forward'], ['ssh'], ['scp'], ['expose'], ['guestosinfo'], ['userlist'], ['fslist'], ['create'], ['create', 'vm'], ['version']];
  for (const c of commands) {
    const r = await runFake([...c, '--help']);
    assert.equal(r.code, 0, c.join(' '));
    assert.match(r.stdout, new RegExp(`^Usage: virtctl ${c.join(' ')}`.trimEnd()), c.join(' '));
    assert.equal(r.requests.length, 0);
  }
  const bare = await runFake([]);
  assert.equal(bare.code, 0);
  assert.match(bare.stdout, /Commands:\n {2}start/);
});

test('global flags reach the connection, wherever they are placed', async () => {
  const r = await runFake(['--kubeconfig', '/k', 'start', 'vm1', '--context', 'c1', '-n', 'ns']);
  assert.equal(r.code, 0);
  assert.deepEqual(r.globals, [{ kubeconfig: '/k', context: 'c1', namespace: 'ns' }]);
});

test('vnc screenshot writes the PNG to --file', async () => {
  const r = await runFake(['vnc', 'screenshot', 'v1', '--file', '/tmp/shot.png'], { handler: (req) => answer(req.path) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.written.get('/tmp/shot.png')?.toString('latin1'), '\x89PNG');
});

test('version prints client and server versions, asking the group for its preferred version', async () => {
  const r = await runFake(['version'], {
    handler: (req) => {
      if (req.path === '/apis/subresources.kubevirt.io') return { kind: 'APIGroup', preferredVersion: { groupVersion: 'subresources.kubevirt.io/v1' } };
      if (req.path === '/apis/subresources.kubevirt.io/v1/version') return { gitVersion: 'v1.6.0', gitCommit: 'abc', platform: 'linux/amd64' };
      throw new StatusError(404, 'NotFound', 'not found');
    },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.requests.map((q) => `${q.method} ${q.path}`), ['GET /apis/subresources.kubevirt.io', 'GET /apis/subresources.kubevirt.io/v1/version']);
  const [client, server] = r.stdout.trimEnd().split('\n');
  assert.match(client!, /^Client Version: version\.Info\{GitVersion:"v\d+\.\d+\.\d+", GitCommit:"", GitTreeState:"", BuildDate:"", GoVersion:"node\d+[^"]*", Compiler:"tsc", Platform:"[a-z]+\/[a-z0-9]+"\}$/);
  assert.equal(server, 'Server Version: version.Info{GitVersion:"v1.6.0", GitCommit:"abc", GitTreeState:"", BuildDate:"", GoVersion:"", Compiler:"", Platform:"linux/amd64"}');

  const clientOnly = await runFake(['version', '--client']);
  assert.equal(clientOnly.requests.length, 0);
  assert.doesNotMatch(clientOnly.stdout, /Server Version/);
});
