import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressesExhaustedError, Ipam, nextFree } from './ipam.js';
import { claimNodeIndex, releaseNodeIndex } from './claim.js';
import { CommandError } from './exec.js';
import { nftRuleset, nodeNet, podNames } from './names.js';
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

test('pods get the host resolv.conf unless it only names a loopback stub', async () => {
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

test('claimNodeIndex takes the first free index and remembers it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kvts-claim-'));
  try {
    const taken = new Set(['kvts-br1', 'kvts-br2']);
    const create = (b: string): Promise<void> => {
      if (taken.has(b)) return Promise.reject(new CommandError(['ip'], 'RTNETLINK answers: File exists', 2));
      taken.add(b);
      return Promise.resolve();
    };
    assert.equal(await claimNodeIndex(dir, 1, create), 3);
    assert.equal(await claimNodeIndex(dir, 1, create), 3, 'remembered across restarts');
    await releaseNodeIndex(dir);
    assert.equal(await claimNodeIndex(dir, 1, create), 4);
    await assert.rejects(claimNodeIndex(join(dir, 'x'), 1, () => Promise.reject(new CommandError(['ip'], 'Operation not permitted', 2))), /Operation not permitted/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
