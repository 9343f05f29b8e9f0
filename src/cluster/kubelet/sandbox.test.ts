import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileTarget, HOLDER_SCRIPT, holderArgs, mountPlan, sandboxArgv, shadowedPathMounts, stagingDir, startHolder, type BindMount } from './sandbox.js';
import { isAlive, procStartTime, signal } from './procs.js';

const privateDirs = ['/run', '/tmp'];
const cover = [['mkdir', '-p', '/run'], ['mount', '-t', 'tmpfs', '-o', 'mode=755,size=64m', 'tmpfs', '/run'], ['mkdir', '-p', '/tmp'], ['mount', '-t', 'tmpfs', '-o', 'mode=755,size=64m', 'tmpfs', '/tmp']];
const links: Record<string, string> = { '/work/link': '/tmp/real', '/var/run/x': '/run/x' };
const plan = (mounts: BindMount[]): string[][] => mountPlan(mounts, { privateDirs, staging: () => '/mnt', resolve: (p) => links[p] ?? p });

test('mountPlan binds sources the private tmpfs would hide through a staging tmpfs, others directly', () => {
  const cases: { name: string; mounts: BindMount[]; want: string[][] }[] = [
    {
      name: 'nothing hidden: no staging at all',
      mounts: [{ source: '/var/tmp/kv/vol', target: '/data', readOnly: true }],
      want: [...cover, ['mkdir', '-p', '/data'], ['mount', '--bind', '/var/tmp/kv/vol', '/data'], ['mount', '-o', 'remount,bind,ro', '/data']],
    },
    {
      name: 'a hostPath under /tmp, into a target under /run',
      mounts: [{ source: '/tmp/host', target: '/run/in-pod' }],
      want: [
        ['mount', '-t', 'tmpfs', '-o', 'mode=700,size=1m', 'tmpfs', '/mnt'], ['mkdir', '/mnt/0'], ['mount', '--bind', '/tmp/host', '/mnt/0'],
        ...cover,
        ['mkdir', '-p', '/run/in-pod'], ['mount', '--move', '/mnt/0', '/run/in-pod'],
        ['umount', '/mnt'],
      ],
    },
    {
      name: 'a hostPath file: its target is a file, never a directory',
      mounts: [{ source: '/var/tmp/host.conf', target: '/etc/app/app.conf', readOnly: true, file: true }],
      want: [...cover, fileTarget('/etc/app/app.conf'), ['mount', '--bind', '/var/tmp/host.conf', '/etc/app/app.conf'], ['mount', '-o', 'remount,bind,ro', '/etc/app/app.conf']],
    },
    {
      name: 'a symlink into /tmp, a read-only repo, a file under /var/run and a memory volume, in order',
      mounts: [
        { source: 'tmpfs', target: '/tmp/kv/mem', tmpfs: true },
        { source: '/tmp/kv/mem/sub', target: '/scratch' },
        { source: '/work/link', target: '/data' },
        { source: '/tmp/repo', target: '/tmp/repo', readOnly: true },
        { source: '/var/run/x', target: '/etc/resolv.conf', readOnly: true, file: true },
      ],
      want: [
        ['mount', '-t', 'tmpfs', '-o', 'mode=700,size=1m', 'tmpfs', '/mnt'],
        ['mkdir', '/mnt/0'], ['mount', '--bind', '/work/link', '/mnt/0'],
        ['mkdir', '/mnt/1'], ['mount', '--bind', '/tmp/repo', '/mnt/1'],
        ['touch', '/mnt/2'], ['mount', '--bind', '/var/run/x', '/mnt/2'],
        ...cover,
        ['mkdir', '-p', '/tmp/kv/mem'], ['mount', '-t', 'tmpfs', '-o', 'mode=777', 'tmpfs', '/tmp/kv/mem'],
        ['mkdir', '-p', '/scratch'], ['mount', '--bind', '/tmp/kv/mem/sub', '/scratch'],
        ['mkdir', '-p', '/data'], ['mount', '--move', '/mnt/0', '/data'],
        ['mkdir', '-p', '/tmp/repo'], ['mount', '--move', '/mnt/1', '/tmp/repo'], ['mount', '-o', 'remount,bind,ro', '/tmp/repo'],
        fileTarget('/etc/resolv.conf'), ['mount', '--move', '/mnt/2', '/etc/resolv.conf'], ['mount', '-o', 'remount,bind,ro', '/etc/resolv.conf'],
        ['umount', '/mnt'],
      ],
    },
  ];
  for (const c of cases) assert.deepEqual(plan(c.mounts), c.want, c.name);
});

test('stagingDir picks the first existing directory no mount lies in', () => {
  const dirs = new Set(['/mnt', '/srv', '/opt']);
  const isDir = (p: string): boolean => dirs.has(p);
  const cases: { mounts: BindMount[]; want: string | RegExp }[] = [
    { mounts: [{ source: '/tmp/a', target: '/data' }], want: '/mnt' },
    { mounts: [{ source: '/tmp/a', target: '/mnt/data' }], want: '/srv' },
    { mounts: [{ source: '/mnt/src', target: '/data' }, { source: 'tmpfs', target: '/srv', tmpfs: true }], want: '/opt' },
    { mounts: [{ source: '/tmp/a', target: '/mnt' }, { source: '/srv/x', target: '/y' }, { source: '/tmp/b', target: '/opt/z' }], want: /no directory of \/mnt, \/media, \/srv, \/opt is free/ },
  ];
  for (const c of cases) {
    if (typeof c.want === 'string') assert.equal(stagingDir(c.mounts, isDir), c.want);
    else assert.throws(() => stagingDir(c.mounts, isDir), c.want);
  }
});

test('host paths under a privately mounted directory are bound back read-only; others are left alone', () => {
  const cases: [string, boolean][] = [
    ['/tmp/ci-clone', true],
    ['/run/user/0/kubevirt-ts', true],
    ['/var/lib/libvirt/checkout', true],
    ['/work/main', false],
    ['/tmpfoo/repo', false],
    ['/tmp', false],
  ];
  for (const [path, bound] of cases) assert.deepEqual(shadowedPathMounts([path]), bound ? [{ source: path, target: path, readOnly: true }] : [], path);
});

test('fileTarget makes an empty file with its parents, keeping what is there (symlinks included)', () => {
  const dir = mkdtempSync('/var/tmp/kt-filetarget-');
  try {
    const cases: { name: string; setup: (p: string) => void; check: (p: string) => void }[] = [
      { name: 'missing, parents too', setup: () => {}, check: (p) => assert.ok(lstatSync(p).isFile() && lstatSync(p).size === 0) },
      { name: 'an existing file keeps its content', setup: (p) => { mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, 'keep'); }, check: (p) => assert.equal(readFileSync(p, 'utf8'), 'keep') },
      { name: 'a dangling symlink stays', setup: (p) => { mkdirSync(dirname(p), { recursive: true }); symlinkSync('/nonexistent/x', p); }, check: (p) => assert.ok(lstatSync(p).isSymbolicLink()) },
    ];
    for (const [i, c] of cases.entries()) {
      const p = `${dir}/${i}/a/b/target`;
      c.setup(p);
      const [cmd, ...args] = fileTarget(p);
      execFileSync(cmd ?? 'sh', args);
      c.check(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sandboxArgv runs the holder script with the steps, in a given or fresh network namespace', () => {
  const steps = [['mkdir', '-p', '/run'], ['true']];
  const tail = ['--', '/bin/sh', '-c', HOLDER_SCRIPT, 'sandbox', '3', 'mkdir', '-p', '/run', '1', 'true'];
  const cases: [Parameters<typeof sandboxArgv>[0], string[]][] = [
    [{ hostNetwork: true, mounts: [] }, ['unshare', '--mount', '--propagation', 'private', ...tail]],
    [{ hostNetwork: false, mounts: [] }, ['unshare', '--mount', '--propagation', 'private', '--net', ...tail]],
    [{ hostNetwork: false, netnsPath: '/run/netns/p', mounts: [] }, ['nsenter', '--net=/run/netns/p', '--', 'unshare', '--mount', '--propagation', 'private', ...tail]],
  ];
  for (const [spec, want] of cases) assert.deepEqual(sandboxArgv(spec, steps), want, JSON.stringify(spec));
});

test('the holder runs every step in one process (argv kept verbatim), then sleeps; a failed step is named with its stderr', async () => {
  const dir = mkdtempSync('/var/tmp/kt-holder-');
  const odd = `${dir}/a b;$(id) \${HOME}'"\`x`;
  const many = Array.from({ length: 12 }, (_, i) => `${dir}/f${i}`);
  const holder = (steps: string[][]) => startHolder(['/bin/sh', '-c', HOLDER_SCRIPT, 'sandbox', ...holderArgs(steps)], steps, 10_000);
  try {
    const pid = await holder([['touch', odd], ['touch', ...many], ['echo', 'chatter on stdout'], ['mkdir', '-p', `${dir}/d`]]);
    try {
      const start = procStartTime(pid) ?? '';
      assert.ok(isAlive(pid, start), 'the holder lives on');
      assert.ok(lstatSync(odd).isFile(), 'an argument with shell syntax is one path, unexpanded');
      for (const f of many) assert.ok(lstatSync(f).isFile(), `${f}: steps of more than nine arguments`);
      assert.ok(lstatSync(`${dir}/d`).isDirectory());
    } finally {
      signal(pid, 'SIGKILL');
    }
    await assert.rejects(holder([['true'], ['mkdir', `${dir}/no/such/parent`], ['touch', `${dir}/never`]]), (e: Error) => {
      assert.match(e.message, new RegExp(`^mkdir ${dir}/no/such/parent: .*No such file or directory`));
      return true;
    });
    assert.throws(() => lstatSync(`${dir}/never`), 'steps after a failure do not run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
