import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateDir, type PodRecord } from './pod-record.js';

const root = mkdtempSync(join(tmpdir(), 'kt-podrecord-'));
after(() => rmSync(root, { recursive: true, force: true }));

const record = (uid: string): PodRecord => ({ uid, namespace: 'ns', name: 'p', startTime: '2026-01-01T00:00:00Z', containers: { c: { name: 'c', init: false, restartCount: 0, image: 'i', imageID: '', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} } } });

test('an unchanged record is not rewritten; a changed one is, and a new StateDir reads it back', () => {
  const state = new StateDir(join(root, 'a'));
  const file = join(state.podDir('u1'), 'record.json');
  state.save(record('u1'));
  const first = statSync(file, { bigint: true });
  const r = state.load('u1');
  assert.ok(r);
  state.save(r);
  state.save(record('u1'));
  const same = statSync(file, { bigint: true });
  assert.equal(same.ino, first.ino, 'no rename: the file was not rewritten');
  assert.equal(same.mtimeNs, first.mtimeNs);
  r.containers.c!.restartCount = 3;
  state.save(r);
  assert.notEqual(statSync(file, { bigint: true }).ino, first.ino, 'a change is written (atomically, by rename)');
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as PodRecord).containers.c?.restartCount, 3);
  assert.equal(new StateDir(join(root, 'a')).load('u1')?.containers.c?.restartCount, 3, 'what a restarted agent reads');
});

test('load hands out copies: changing one does not change the next load until saved', () => {
  const state = new StateDir(join(root, 'b'));
  state.save(record('u2'));
  const a = state.load('u2');
  assert.ok(a);
  a.podIP = '10.0.0.9';
  assert.equal(state.load('u2')?.podIP, undefined);
  state.save(a);
  assert.equal(state.load('u2')?.podIP, '10.0.0.9');
  state.remove(a);
  assert.equal(state.load('u2'), undefined, 'removed: gone from the cache too');
  assert.deepEqual(state.uids(), []);
});
