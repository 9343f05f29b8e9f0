import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipBatch } from './exec.js';

test('ip -batch: runs each line in one process, fails naming the failed line, refuses blanks in words', async () => {
  assert.match(await ipBatch([['link', 'show', 'dev', 'lo'], ['addr', 'show', 'dev', 'lo']]), /^1: lo:[\s\S]*\n1: lo:/);
  await assert.rejects(ipBatch([['link', 'show', 'dev', 'lo'], ['link', 'show', 'dev', 'no-such-dev0']]), /ip -batch: .*no-such-dev0|ip -batch: .*Command failed -:2/s);
  assert.throws(() => ipBatch([['link', 'show', 'dev lo']]), /argument with blanks/);
});
