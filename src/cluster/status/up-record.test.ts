import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUpRecord, removeUpRecord, selfIdentity, upAlive, upRecordPath, writeUpRecord, type UpRecord } from './up-record.js';

test('the up record round-trips, names a live process only while its pid and start time match, and is removed by its owner only', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kv-uprec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(readUpRecord(dir), undefined);
  const r: UpRecord = { ...selfIdentity(), phase: 'Starting', startedAt: new Date().toISOString(), kubeconfig: join(dir, 'kubeconfig'), nodes: 1, controlPlaneOnly: false, heartbeatSeconds: 60 };
  writeUpRecord(dir, r);
  assert.deepEqual(readUpRecord(dir), r);
  assert.equal(upAlive(r), true);
  assert.equal(upAlive({ ...r, processStartTime: '1' }), false, 'a re-used pid');
  removeUpRecord(dir, r.pid + 1);
  assert.ok(readUpRecord(dir), 'another pid does not remove it');
  removeUpRecord(dir);
  assert.equal(readUpRecord(dir), undefined);
  writeUpRecord(dir, r);
  rmSync(upRecordPath(dir));
  assert.equal(readUpRecord(dir), undefined);
});
