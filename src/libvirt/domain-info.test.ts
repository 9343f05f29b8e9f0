import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDomainInfo, decodeDomainState, decodeInterfaceAddresses, decodeMemoryStats } from './domain-info.js';
import { domainStateReasonName } from './enums.js';
import { writeOptString, writeString } from './remote-types.js';
import { XdrReader, XdrWriter } from './xdr.js';

test('the recorded DOMAIN_GET_STATE reply of a defined domain reads as Shutoff (Unknown)', () => {
  // Payload of libvirtd 9.0's reply to `virsh domstate --reason` for a never-started domain.
  const r = new XdrReader(Buffer.from('0000000500000000', 'hex'));
  assert.deepEqual(decodeDomainState(r), { state: 5, stateName: 'Shutoff', reason: 0, reasonName: 'Unknown' });
});

test('state reasons are named per state, as virsh domstate --reason prints them', () => {
  const cases = [
    { state: 1, reason: 1, want: 'Booted' },
    { state: 1, reason: 5, want: 'Unpaused' },
    { state: 3, reason: 1, want: 'User' },
    { state: 3, reason: 2, want: 'Migration' },
    { state: 3, reason: 5, want: 'IOError' },
    { state: 4, reason: 1, want: 'User' },
    { state: 5, reason: 1, want: 'Shutdown' },
    { state: 5, reason: 2, want: 'Destroyed' },
    { state: 5, reason: 3, want: 'Crashed' },
    { state: 6, reason: 1, want: 'Panicked' },
    { state: 5, reason: 99, want: 'Unknown(99)' },
  ];
  for (const c of cases) assert.equal(domainStateReasonName(c.state, c.reason), c.want, `${c.state}/${c.reason}`);
});

test('decodeDomainInfo reads char and short fields as 4-byte words', () => {
  const w = new XdrWriter();
  w.uint(1).uhyper(32768).uhyper(16384).uint(2).uhyper(330_000_000);
  assert.deepEqual(decodeDomainInfo(new XdrReader(w.finish())), {
    state: 1,
    stateName: 'Running',
    maxMemKiB: 32768,
    memoryKiB: 16384,
    nrVirtCpu: 2,
    cpuTimeNs: 330_000_000,
  });
});

test('decodeMemoryStats keys values by libvirt tag name', () => {
  const w = new XdrWriter();
  w.array([[6, 32768], [7, 39328], [99, 1]] as const, (x, [tag, val]) => x.int(tag).uhyper(val));
  assert.deepEqual(decodeMemoryStats(new XdrReader(w.finish())), { actual_balloon: 32768, rss: 39328, tag_99: 1 });
});

test('decodeInterfaceAddresses reads interfaces with optional MACs and typed addresses', () => {
  const w = new XdrWriter();
  w.uint(2);
  writeString(w, 'eth0');
  writeOptString(w, '52:54:00:12:34:56');
  w.uint(2).int(0);
  writeString(w, '10.0.2.2');
  w.uint(24).int(1);
  writeString(w, 'fe80::1');
  w.uint(64);
  writeString(w, 'lo');
  writeOptString(w, null);
  w.uint(0);
  assert.deepEqual(decodeInterfaceAddresses(new XdrReader(w.finish())), [
    {
      name: 'eth0',
      hwaddr: '52:54:00:12:34:56',
      addrs: [
        { type: 'ipv4', addr: '10.0.2.2', prefix: 24 },
        { type: 'ipv6', addr: 'fe80::1', prefix: 64 },
      ],
    },
    { name: 'lo', hwaddr: null, addrs: [] },
  ]);
});
