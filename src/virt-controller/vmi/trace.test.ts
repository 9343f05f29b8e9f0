import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vmiTrace } from './trace.js';

test('vmiTrace: one JSON line per VMI once its status is written, each step at its first time; nothing without a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmi-trace-'));
  try {
    const file = join(dir, 'trace.jsonl');
    let t = 1000;
    const trace = vmiTrace(file, () => t++);
    trace.mark('ns/a', 'start'); // before its ADDED: not a VMI of this trace
    trace.mark('ns/a', 'added');
    trace.mark('ns/a', 'start');
    trace.mark('ns/a', 'start');
    trace.mark('ns/a', 'podPosted');
    assert.equal(existsSync(file), false, 'nothing written before the status write');
    trace.mark('ns/a', 'statusWritten');
    trace.mark('ns/a', 'statusWritten'); // a later write of a VMI already written out
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), [
      { key: 'ns/a', added: 1000, start: 1001, podPosted: 1002, statusWritten: 1003 },
    ]);
    const off = vmiTrace(undefined);
    off.mark('ns/b', 'added');
    off.mark('ns/b', 'statusWritten');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
