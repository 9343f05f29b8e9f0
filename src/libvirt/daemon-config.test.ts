import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindSources, daemonLayout, driverDirLinks, libvirtdConf, NS_INIT_SCRIPT, privateDaemonUri, qemuConf, SYSTEM_PATHS } from './daemon-config.js';

test('libvirtd.conf: unix sockets only, no authentication, owner-only permissions', () => {
  const conf = libvirtdConf();
  for (const line of ['listen_tcp = 0', 'listen_tls = 0', 'auth_unix_rw = "none"', 'unix_sock_rw_perms = "0700"', 'unix_sock_dir = "/run/libvirt"']) {
    assert.ok(conf.split('\n').includes(line), line);
  }
});

test('qemu.conf: root, no security driver, no cgroups or namespaces, log handler per option', () => {
  const cases = [
    { virtlogd: true, want: 'stdio_handler = "logd"' },
    { virtlogd: false, want: 'stdio_handler = "file"' },
  ];
  for (const c of cases) {
    const lines = qemuConf({ virtlogd: c.virtlogd, extra: 'max_files = 4096\n' }).split('\n');
    for (const l of ['user = "root"', 'security_driver = "none"', 'cgroup_controllers = [ ]', 'namespaces = [ ]', 'max_files = 4096', c.want]) {
      assert.ok(lines.includes(l), `${l} (virtlogd=${c.virtlogd})`);
    }
  }
});

test('the namespace init script binds each private dir over its system path, then execs the daemon', () => {
  const l = daemonLayout('/tmp/d', '/tmp/caps');
  assert.deepEqual(bindSources(l), ['/tmp/d/etc', '/tmp/d/run', '/tmp/d/lib', '/tmp/d/log', '/tmp/caps']);
  SYSTEM_PATHS.forEach((p, i) => assert.ok(NS_INIT_SCRIPT.includes(`mount --bind "$${i + 1}" ${p}\n`), p));
  assert.match(NS_INIT_SCRIPT, /shift 5\nexec "\$@"\n$/);
  assert.equal(l.socketPath, '/tmp/d/run/libvirt-sock');
  assert.equal(daemonLayout('/tmp/d').cacheDir, '/tmp/d/cache');
  assert.equal(privateDaemonUri(l.socketPath), 'qemu:///system?socket=/tmp/d/run/libvirt-sock');
});

test('driverDirLinks links only the chosen driver modules from the first dir that has them all', () => {
  const installed = new Set(['/b/libvirt_driver_qemu.so', '/b/libvirt_driver_network.so', '/c/libvirt_driver_qemu.so']);
  const has = (p: string): boolean => installed.has(p);
  const cases: { drivers: string[]; dirs: string[]; want: [string, string][] | null }[] = [
    { drivers: ['qemu'], dirs: ['/a', '/b', '/c'], want: [['libvirt_driver_qemu.so', '/b/libvirt_driver_qemu.so']] },
    { drivers: ['qemu', 'network'], dirs: ['/c', '/b'], want: [['libvirt_driver_qemu.so', '/b/libvirt_driver_qemu.so'], ['libvirt_driver_network.so', '/b/libvirt_driver_network.so']] },
    { drivers: ['qemu', 'storage'], dirs: ['/a', '/b', '/c'], want: null },
    { drivers: ['qemu'], dirs: [], want: null },
  ];
  for (const c of cases) {
    const got = driverDirLinks(c.drivers, c.dirs, has);
    assert.deepEqual(got === null ? null : [...got], c.want, JSON.stringify(c));
  }
  assert.equal(daemonLayout('/tmp/d').driverDir, '/tmp/d/drivers');
});
