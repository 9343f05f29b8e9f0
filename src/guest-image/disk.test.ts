import { test } from 'node:test';
import assert from 'node:assert/strict';
import { masterBootRecord, PARTITION_START, syslinuxConfig } from './disk.js';

test('masterBootRecord: boot code, one active partition from 1 MiB, boot signature', () => {
  const code = Buffer.alloc(440, 0x90);
  const mbr = masterBootRecord(code, 32768);
  assert.equal(mbr.length, 512);
  assert.deepEqual(mbr.subarray(0, 440), code);
  assert.equal(mbr[446], 0x80);
  assert.equal(mbr[450], 0x0e);
  assert.equal(mbr.readUInt32LE(454), PARTITION_START);
  assert.equal(mbr.readUInt32LE(458), 32768);
  assert.deepEqual(mbr.subarray(462, 510), Buffer.alloc(48));
  assert.equal(mbr[510], 0x55);
  assert.equal(mbr[511], 0xaa);
  assert.throws(() => masterBootRecord(Buffer.alloc(441), 1), /441 bytes, more than 440/);
});

test('syslinuxConfig boots the kernel and initramfs at once with the command line', () => {
  const cfg = syslinuxConfig('console=ttyS0 quiet');
  for (const line of ['DEFAULT linux', 'TIMEOUT 0', '  KERNEL /vmlinuz', '  INITRD /initrd.img', '  APPEND console=ttyS0 quiet']) {
    assert.ok(cfg.split('\n').includes(line), line);
  }
});
