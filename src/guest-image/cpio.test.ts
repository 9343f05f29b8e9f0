import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpioNewc, type CpioEntry } from './cpio.js';
import { run } from './exec.js';

const entries: CpioEntry[] = [
  { type: 'dir', path: 'etc', mode: 0o755 },
  { type: 'file', path: '/etc/hello', mode: 0o644, data: Buffer.from('hi\n') },
  { type: 'file', path: 'etc/odd-length-name', mode: 0o600, data: Buffer.from('12345') },
  { type: 'symlink', path: 'init', target: '/bin/busybox' },
  { type: 'char', path: 'console', mode: 0o600, major: 5, minor: 1 },
];

test('cpioNewc: GNU cpio lists every member with its type, mode and size', async () => {
  const listing = await run('cpio', ['-itv', '--quiet'], { input: cpioNewc(entries) });
  const rows = listing.trim().split('\n').map((l) => l.split(/\s+/));
  const byName = new Map(rows.map((r) => [r[r.indexOf('1970') + 1] ?? '', r])); // name follows the date
  for (const [name, mode, size] of [
    ['etc', 'drwxr-xr-x', undefined],
    ['etc/hello', '-rw-r--r--', '3'],
    ['etc/odd-length-name', '-rw-------', '5'],
    ['init', 'lrwxrwxrwx', '12'],
    ['console', 'crw-------', undefined],
  ] as const) {
    const row = byName.get(name);
    assert.ok(row, `${name} missing from ${listing}`);
    assert.equal(row[0], mode, name);
    if (size !== undefined) assert.equal(row[4], size, name);
  }
  assert.equal(rows.length, entries.length);
});

test('cpioNewc: output is 4-byte aligned, deterministic, and ends with the trailer', () => {
  const a = cpioNewc(entries);
  assert.equal(a.length % 4, 0);
  assert.deepEqual(a, cpioNewc(entries));
  assert.ok(a.includes(Buffer.from('TRAILER!!!\0')));
  assert.equal(a.subarray(0, 6).toString(), '070701');
});
