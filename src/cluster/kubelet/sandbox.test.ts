import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shadowedPathMounts } from './sandbox.js';

test('host paths under a privately mounted directory are bound back read-only; others are left alone', () => {
  const cases: [string, boolean][] = [
    ['/tmp/ci-clone', true],
    ['/run/user/0/kubevirt-ts', true],
    ['/var/lib/libvirt/checkout', true],
    ['/work/main', false],
    ['/tmpfoo/repo', false],
    ['/tmp', false],
  ];
  for (const [path, bound] of cases) {
    assert.deepEqual(shadowedPathMounts([path]), bound ? [{ source: path, target: path, readOnly: true }] : [], path);
  }
});
