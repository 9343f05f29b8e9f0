import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DevNameAllocator, diskLetters, domainNameFor, parseDomainName, userAlias } from './names.js';

test('domain names round-trip through domainNameFor and parseDomainName', () => {
  const cases: [string, string][] = [['default', 'vm'], ['ns-1', 'my_vm'], ['a', 'b.c']];
  for (const [ns, name] of cases) {
    assert.equal(domainNameFor(ns, name), `${ns}_${name}`);
    assert.deepEqual(parseDomainName(domainNameFor(ns, name)), { namespace: ns, name });
  }
  for (const bad of ['nounderscore', '_x', 'x_']) assert.equal(parseDomainName(bad), undefined);
});

test('disk letters and dev names per bus prefix', () => {
  assert.deepEqual([0, 1, 25, 26, 27, 51, 52, 701, 702].map(diskLetters), ['a', 'b', 'z', 'aa', 'ab', 'az', 'ba', 'zz', 'aaa']);
  const a = new DevNameAllocator();
  assert.deepEqual((['virtio', 'sata', 'virtio', 'scsi', 'usb', 'sata'] as const).map((b) => a.allocate(b)), ['vda', 'sda', 'vdb', 'sdb', 'sdc', 'sdd']);
  assert.equal(userAlias('disk0'), 'ua-disk0');
});
