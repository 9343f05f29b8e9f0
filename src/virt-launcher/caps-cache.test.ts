import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CapsCache } from './caps-cache.js';

/** A shared dir and two launchers' private libvirt cache dirs in a fresh temp dir. */
function dirs(): { root: string; shared: string; a: string; b: string } {
  const root = mkdtempSync(join(tmpdir(), 'caps-cache-'));
  return { root, shared: join(root, 'shared'), a: join(root, 'a'), b: join(root, 'b') };
}
const caps = (cacheDir: string): string => join(cacheDir, 'qemu', 'capabilities');
/** What libvirt does on a definition without a valid cache: writes <hash>.xml. */
const probe = (cacheDir: string, text: string): void => {
  mkdirSync(caps(cacheDir), { recursive: true });
  writeFileSync(join(caps(cacheDir), 'h1.xml'), text);
};

test('caps cache: the first launcher probes and publishes; a later one is seeded and publishes nothing', async () => {
  const d = dirs();
  try {
    const first = new CapsCache({ sharedDir: d.shared, libvirtCacheDir: d.a });
    await first.beforeDefine();
    assert.ok(existsSync(join(d.shared, 'probe.lock')), 'the prober holds the lock');
    probe(d.a, '<qemuCaps>1</qemuCaps>');
    await first.afterDefine();
    assert.deepEqual(readdirSync(d.shared), ['h1.xml'], 'published, lock dropped, no temp file left');
    assert.equal(readFileSync(join(d.shared, 'h1.xml'), 'utf8'), '<qemuCaps>1</qemuCaps>');

    const logs: string[] = [];
    const second = new CapsCache({ sharedDir: d.shared, libvirtCacheDir: d.b, log: (m) => logs.push(m) });
    await second.beforeDefine();
    assert.equal(readFileSync(join(caps(d.b), 'h1.xml'), 'utf8'), '<qemuCaps>1</qemuCaps>', 'seeded before its definition');
    assert.ok(!existsSync(join(d.shared, 'probe.lock')));
    writeFileSync(join(d.shared, 'h1.xml'), 'changed meanwhile');
    await second.afterDefine();
    assert.equal(readFileSync(join(d.shared, 'h1.xml'), 'utf8'), 'changed meanwhile', 'an unchanged seed is not written back');
    assert.deepEqual(logs, [], 'a cache hit logs nothing');
  } finally {
    rmSync(d.root, { recursive: true, force: true });
  }
});

test('caps cache: a launcher waits for the prober instead of probing too', async () => {
  const d = dirs();
  try {
    const prober = new CapsCache({ sharedDir: d.shared, libvirtCacheDir: d.a, pollMs: 5 });
    await prober.beforeDefine();
    const waiter = new CapsCache({ sharedDir: d.shared, libvirtCacheDir: d.b, pollMs: 5, waitMs: 10_000 });
    let seeded = false;
    const waiting = waiter.beforeDefine().then(() => (seeded = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(seeded, false, 'still waiting while the prober holds the lock');
    probe(d.a, 'probed');
    await prober.afterDefine();
    await waiting;
    assert.equal(readFileSync(join(caps(d.b), 'h1.xml'), 'utf8'), 'probed');
  } finally {
    rmSync(d.root, { recursive: true, force: true });
  }
});

test('caps cache: a stale lock is taken over, a re-probed (rewritten) file is published, a failed prober frees the lock', async () => {
  const d = dirs();
  try {
    mkdirSync(d.shared, { recursive: true });
    writeFileSync(join(d.shared, 'probe.lock'), '');
    utimesSync(join(d.shared, 'probe.lock'), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    const c = new CapsCache({ sharedDir: d.shared, libvirtCacheDir: d.a, waitMs: 0 });
    await c.beforeDefine();
    assert.ok(existsSync(join(d.shared, 'probe.lock')), 'took over the dead prober\'s lock');
    await c.afterDefine(); // the definition failed before libvirt probed: nothing to publish
    assert.deepEqual(readdirSync(d.shared), []);

    probe(d.b, 'old');
    writeFileSync(join(d.shared, 'h1.xml'), 'old');
    const logs: string[] = [];
    const stale = new CapsCache({ sharedDir: d.shared, libvirtCacheDir: d.b, log: (m) => logs.push(m) });
    await stale.beforeDefine();
    probe(d.b, 'new'); // libvirt found the seed invalid (QEMU upgraded) and probed again
    await stale.afterDefine();
    assert.equal(readFileSync(join(d.shared, 'h1.xml'), 'utf8'), 'new');
    assert.deepEqual(logs, ["QEMU capabilities: the node's cached h1.xml was re-probed by libvirt; publishing it"], 'a miss is logged');
  } finally {
    rmSync(d.root, { recursive: true, force: true });
  }
});
