import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelPackageFromDepends, parseControl } from './debs.js';

test('parseControl reads the first stanza, folding continuation lines', () => {
  const f = parseControl(
    'Package: linux-image-cloud-amd64\nVersion: 6.1.192-2\nDepends: linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2)\nDescription: Linux\n for cloud\n\nPackage: other\nVersion: 9\n',
  );
  assert.equal(f.get('Package'), 'linux-image-cloud-amd64');
  assert.equal(f.get('Version'), '6.1.192-2');
  assert.equal(f.get('Description'), 'Linux\nfor cloud');
});

test('kernelPackageFromDepends finds the concrete cloud kernel image', () => {
  for (const [depends, want] of [
    ['linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2)', 'linux-image-6.1.0-56-cloud-amd64'],
    ['linux-image-6.12.117+deb12-cloud-amd64-unsigned (= 6.12.117-1~deb12u1) | linux-image-6.12.117+deb12-cloud-amd64', 'linux-image-6.12.117+deb12-cloud-amd64-unsigned'],
    ['libc6 (>= 2.36), initramfs-tools', undefined],
  ] as const) assert.equal(kernelPackageFromDepends(depends), want);
});
