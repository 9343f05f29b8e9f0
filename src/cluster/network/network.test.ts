import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressesExhaustedError, Ipam, nextFree } from './ipam.js';
import { ANY_BRIDGE, clusterNet, nftRuleset, nodeNet, podNames } from './names.js';
import { acquireNetworkSlot, slotOrder } from './slot.js';
import { podSetupBatches, podTeardownBatch } from './pod-network.js';
import { nameservers, podResolvConf } from './resolv.js';

test('nodeNet and podNames derive bounded names and addresses', () => {
  assert.deepEqual(nodeNet(3), { bridge: 'kvts-br3', gateway: '10.244.3.1', prefix: '10.244.3', cidr: '10.244.3.0/24' });
  assert.throws(() => nodeNet(256), RangeError);
  const n = podNames('6F1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8');
  assert.deepEqual(n, { netns: 'kvts-6f1c2a3b4d5e6f70', hostVeth: 'kvv6f1c2a3b4d5e' });
  assert.ok(n.hostVeth.length <= 15);
  assert.throws(() => podNames('abc'), RangeError);
  assert.match(nftRuleset(), /ip saddr 10\.244\.0\.0\/16 oifname != "kvts-br\*" masquerade/);
});

test('each network slot has its own supernet, bridges and nft table', () => {
  assert.deepEqual(clusterNet(0), { slot: 0, supernet: '10.244.0.0/16', table: 'kubevirt_ts', bridgePrefix: 'kvts-br' });
  assert.deepEqual(clusterNet(3), { slot: 3, supernet: '10.241.0.0/16', table: 'kubevirt_ts_3', bridgePrefix: 'kvts3-br' });
  assert.deepEqual(nodeNet(2, 15), { bridge: 'kvts15-br2', gateway: '10.229.2.1', prefix: '10.229.2', cidr: '10.229.2.0/24' });
  assert.ok(nodeNet(255, 15).bridge.length <= 15, 'bridge names fit IFNAMSIZ');
  assert.throws(() => clusterNet(16), RangeError);
  const rs = nftRuleset(3);
  assert.match(rs, /table ip kubevirt_ts_3 \{/);
  assert.match(rs, /ip saddr 10\.241\.0\.0\/16 oifname != "kvts3-br\*" masquerade/);
  for (const n of ['kvts-br1', 'kvts3-br12']) assert.match(n, ANY_BRIDGE);
  for (const n of ['kvts-6f1c2a3b', 'kvv6f1c2a3b4d5e', 'k6t-eth0']) assert.doesNotMatch(n, ANY_BRIDGE);
  assert.deepEqual(slotOrder(undefined).slice(0, 3), [0, 1, 2]);
  assert.deepEqual(slotOrder(5).slice(0, 3), [5, 0, 1]);
  assert.equal(slotOrder(5).length, 16);
});

test('network slots are leased host-wide, shared within a process per data dir, and remembered', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kvts-slot-'));
  try {
    const a = await acquireNetworkSlot(join(dir, 'a'));
    const again = await acquireNetworkSlot(join(dir, 'a'));
    assert.equal(again.slot, a.slot, 'a restarted node set in the same process keeps its slot');
    const b = await acquireNetworkSlot(join(dir, 'b'));
    assert.notEqual(b.slot, a.slot, 'another cluster gets another slot');
    assert.equal((await readFile(join(dir, 'b'), 'utf8')).trim(), String(b.slot));
    await again.release();
    await a.release();
    await b.release();
    const b2 = await acquireNetworkSlot(join(dir, 'b'));
    assert.equal(b2.slot, b.slot, 'the remembered slot is preferred');
    await b2.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('nextFree hands out the lowest free host address from .2', () => {
  const cases: [Record<string, string>, string | undefined][] = [
    [{}, '10.244.1.2'],
    [{ a: '10.244.1.2', b: '10.244.1.4' }, '10.244.1.3'],
    [Object.fromEntries(Array.from({ length: 253 }, (_, i) => [`p${i}`, `10.244.1.${i + 2}`])), undefined],
  ];
  for (const [alloc, want] of cases) assert.equal(nextFree('10.244.1', alloc), want);
});

test('Ipam persists allocations, reuses a pod address, and releases it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kvts-ipam-'));
  try {
    const ipam = new Ipam(join(dir, 'state', 'ipam.json'), '10.244.7');
    assert.equal(await ipam.allocate('pod-a'), '10.244.7.2');
    assert.equal(await ipam.allocate('pod-b'), '10.244.7.3');
    assert.equal(await ipam.allocate('pod-a'), '10.244.7.2');
    await ipam.release('pod-a');
    const again = new Ipam(join(dir, 'state', 'ipam.json'), '10.244.7');
    assert.deepEqual(await again.load(), { 'pod-b': '10.244.7.3' });
    assert.equal(await again.allocate('pod-c'), '10.244.7.2');
    await writeFile(join(dir, 'state', 'ipam.json'), JSON.stringify(Object.fromEntries(Array.from({ length: 253 }, (_, i) => [`p${i}`, `10.244.7.${i + 2}`]))));
    await assert.rejects(again.allocate('pod-d'), AddressesExhaustedError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pods get the host resolv.conf unless it only lists a loopback resolver', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kvts-resolv-'));
  try {
    const host = join(dir, 'resolv.conf');
    const upstream = join(dir, 'upstream.conf');
    assert.deepEqual(nameservers('# c\nnameserver 10.0.0.2\nsearch x\nnameserver ::1\n'), ['10.0.0.2', '::1']);
    await writeFile(host, 'nameserver 10.0.0.2\n');
    assert.equal(await podResolvConf(host, upstream), host);
    await writeFile(host, 'nameserver 127.0.0.53\n');
    assert.equal(await podResolvConf(host, upstream), host, 'no upstream file: keep the host one');
    await writeFile(upstream, 'nameserver 10.0.0.2\n');
    assert.equal(await podResolvConf(host, upstream), upstream);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('podSetupBatches sets a pod up in two ip -batch scripts, keeping a namespace or veth that exists', () => {
  const p = { netns: 'kvts-0123', hostVeth: 'kvv0123', bridge: 'kvts-br1', ip: '10.244.1.7', gateway: '10.244.1.1' };
  const pod = 'link set lo up\naddr replace 10.244.1.7/24 dev eth0\nlink set eth0 up\nroute replace default via 10.244.1.1 dev eth0\n';
  const cases: [{ netns: boolean; veth: boolean }, string][] = [
    [{ netns: false, veth: false }, 'netns add kvts-0123\nlink add kvv0123 type veth peer name eth0 netns kvts-0123\nlink set kvv0123 master kvts-br1 up\n'],
    [{ netns: true, veth: false }, 'link add kvv0123 type veth peer name eth0 netns kvts-0123\nlink set kvv0123 master kvts-br1 up\n'],
    [{ netns: true, veth: true }, 'link set kvv0123 master kvts-br1 up\n'],
  ];
  for (const [have, host] of cases) assert.deepEqual(podSetupBatches(p, have), { host, pod }, JSON.stringify(have));
});

test('podTeardownBatch removes what is left of a pod in one ip -batch script', () => {
  const p = { netns: 'kvts-0123', hostVeth: 'kvv0123' };
  const cases: [{ netns: boolean; veth: boolean }, string][] = [
    [{ netns: true, veth: true }, 'link del kvv0123\nnetns del kvts-0123\n'],
    [{ netns: true, veth: false }, 'netns del kvts-0123\n'],
    [{ netns: false, veth: true }, 'link del kvv0123\n'],
    [{ netns: false, veth: false }, ''],
  ];
  for (const [have, want] of cases) assert.equal(podTeardownBatch(p, have), want, JSON.stringify(have));
});
