import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeDhcp, dhcpReply, DhcpMessageType, DhcpOption, encodeClasslessRoutes, encodeDhcp, encodeDomainSearch, messageType, parseResolvConf, prefixToMask,
  type DhcpLease, type DhcpPacket,
} from './dhcp-codec.js';

const MAC = '52:54:00:12:34:56';

/**
 * A DISCOVER laid out byte for byte as busybox udhcpc sends it (xid 0x3903f326, broadcast flag
 * clear, options: 53=1, 61 client id, 57 max size 576, 55 parameter list, 60 "udhcp 1.36.1").
 */
function udhcpcDiscover(type = 1, extra: number[] = []): Buffer {
  const head = Buffer.alloc(240);
  head.set([1, 1, 6, 0, 0x39, 0x03, 0xf3, 0x26], 0);
  head.set([0x52, 0x54, 0x00, 0x12, 0x34, 0x56], 28);
  head.writeUInt32BE(0x63825363, 236);
  const opts = [
    53, 1, type, 61, 7, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 57, 2, 0x02, 0x40,
    55, 7, 1, 3, 6, 12, 15, 28, 42, 60, 12, ...Buffer.from('udhcp 1.36.1'), ...extra, 255,
  ];
  return Buffer.concat([head, Buffer.from(opts), Buffer.alloc(300 - 240 - opts.length)]);
}

const lease: DhcpLease = {
  clientMac: MAC, clientIp: '10.0.2.2', serverIp: '10.0.2.1', subnetMask: '255.255.255.0', router: '10.0.2.1',
  dns: ['10.96.0.10'], searchDomains: ['default.svc.cluster.local', 'svc.cluster.local'], hostname: 'vm1', mtu: 1450, leaseSeconds: 86400,
};

test('decodes a udhcpc DISCOVER', () => {
  const p = decodeDhcp(udhcpcDiscover());
  assert.equal(p.op, 1);
  assert.equal(p.xid, 0x3903f326);
  assert.equal(p.chaddr, MAC);
  assert.equal(messageType(p), DhcpMessageType.DISCOVER);
  assert.equal(p.options.get(60)?.toString(), 'udhcp 1.36.1');
  assert.deepEqual([...(p.options.get(DhcpOption.PARAM_LIST) ?? [])], [1, 3, 6, 12, 15, 28, 42]);
});

test('rejects truncated and non-DHCP buffers', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['short', Buffer.alloc(100), /too short/],
    ['no cookie', Buffer.alloc(300, 1), /magic cookie/],
    ['option overrun', Buffer.concat([udhcpcDiscover().subarray(0, 240), Buffer.from([12, 40, 1, 2])]), /overruns/],
  ];
  for (const [name, buf, re] of cases) assert.throws(() => decodeDhcp(buf), re, name);
});

test('replies: OFFER for DISCOVER, ACK or NAK for REQUEST, silence otherwise', () => {
  const reqIp = (ip: number[]): number[] => [50, 4, ...ip];
  const sid = (ip: number[]): number[] => [54, 4, ...ip];
  const cases: { name: string; pkt: Buffer; lease?: DhcpLease; want: number | null }[] = [
    { name: 'discover', pkt: udhcpcDiscover(1), want: DhcpMessageType.OFFER },
    { name: 'request ours', pkt: udhcpcDiscover(3, [...reqIp([10, 0, 2, 2]), ...sid([10, 0, 2, 1])]), want: DhcpMessageType.ACK },
    { name: 'request other ip', pkt: udhcpcDiscover(3, reqIp([10, 0, 2, 9])), want: DhcpMessageType.NAK },
    { name: 'request other server', pkt: udhcpcDiscover(3, [...reqIp([10, 0, 2, 2]), ...sid([10, 0, 2, 7])]), want: null },
    { name: 'release', pkt: udhcpcDiscover(7), want: null },
    { name: 'other mac', pkt: udhcpcDiscover(1), lease: { ...lease, clientMac: '52:54:00:00:00:01' }, want: null },
  ];
  for (const tc of cases) {
    const reply = dhcpReply(decodeDhcp(tc.pkt), tc.lease ?? lease);
    assert.equal(reply === null ? null : messageType(reply), tc.want, tc.name);
  }
});

test('an OFFER round-trips through encode/decode with every option', () => {
  const offer = dhcpReply(decodeDhcp(udhcpcDiscover()), lease);
  assert.ok(offer);
  const wire = encodeDhcp(offer);
  assert.ok(wire.length >= 300);
  const p: DhcpPacket = decodeDhcp(wire);
  assert.equal(p.op, 2);
  assert.equal(p.xid, 0x3903f326);
  assert.equal(p.yiaddr, '10.0.2.2');
  assert.equal(p.siaddr, '10.0.2.1');
  assert.equal(p.chaddr, MAC);
  const opt = (c: number): number[] => [...(p.options.get(c) ?? [])];
  assert.deepEqual(opt(DhcpOption.SUBNET_MASK), [255, 255, 255, 0]);
  assert.deepEqual(opt(DhcpOption.ROUTER), [10, 0, 2, 1]);
  assert.deepEqual(opt(DhcpOption.DNS), [10, 96, 0, 10]);
  assert.deepEqual(opt(DhcpOption.SERVER_ID), [10, 0, 2, 1]);
  assert.deepEqual(opt(DhcpOption.LEASE_TIME), [0, 1, 0x51, 0x80]);
  assert.deepEqual(opt(DhcpOption.MTU), [0x05, 0xaa]);
  assert.equal(p.options.get(DhcpOption.HOSTNAME)?.toString(), 'vm1');
  assert.equal(p.options.get(DhcpOption.DOMAIN_NAME)?.toString(), 'default.svc.cluster.local');
  assert.deepEqual(p.options.get(DhcpOption.DOMAIN_SEARCH), encodeDomainSearch(lease.searchDomains));
});

test('domain search encodes RFC 1035 labels', () => {
  assert.deepEqual([...encodeDomainSearch(['a.bc', 'd'])], [1, 97, 2, 98, 99, 0, 1, 100, 0]);
});

test('resolv.conf: IPv4 nameservers and the last search line', () => {
  const got = parseResolvConf('# c\nnameserver 10.96.0.10\nnameserver fd00::1\nsearch ns.svc.cluster.local svc.cluster.local\noptions ndots:5\n');
  assert.deepEqual(got, { dns: ['10.96.0.10'], searchDomains: ['ns.svc.cluster.local', 'svc.cluster.local'] });
});

test('classless static routes (RFC 3442): prefix length, significant octets, gateway', () => {
  const cases: [string, string, number[]][] = [
    ['0.0.0.0/0', '10.0.0.1', [0, 10, 0, 0, 1]],
    ['10.96.0.0/12', '10.244.0.1', [12, 10, 96, 10, 244, 0, 1]],
    ['192.168.7.0/24', '192.168.1.1', [24, 192, 168, 7, 192, 168, 1, 1]],
    ['10.1.2.3/32', '10.0.0.1', [32, 10, 1, 2, 3, 10, 0, 0, 1]],
  ];
  for (const [destination, gateway, want] of cases) assert.deepEqual([...encodeClasslessRoutes([{ destination, gateway }])], want, destination);
  assert.throws(() => encodeClasslessRoutes([{ destination: '10.0.0.0/33', gateway: '10.0.0.1' }]), /invalid route destination/);
});

test('option 121 is sent only when the lease has routes', () => {
  const withRoutes = dhcpReply(decodeDhcp(udhcpcDiscover()), { ...lease, routes: [{ destination: '0.0.0.0/0', gateway: '10.0.2.1' }] });
  assert.deepEqual([...(decodeDhcp(encodeDhcp(withRoutes!)).options.get(DhcpOption.CLASSLESS_ROUTES) ?? [])], [0, 10, 0, 2, 1]);
  assert.equal(dhcpReply(decodeDhcp(udhcpcDiscover()), lease)?.options.has(DhcpOption.CLASSLESS_ROUTES), false);
});

test('prefix lengths become dotted masks', () => {
  const cases: [number, string][] = [[0, '0.0.0.0'], [8, '255.0.0.0'], [12, '255.240.0.0'], [24, '255.255.255.0'], [31, '255.255.255.254'], [32, '255.255.255.255']];
  for (const [p, m] of cases) assert.equal(prefixToMask(p), m);
  assert.throws(() => prefixToMask(33), /invalid prefix length/);
});
