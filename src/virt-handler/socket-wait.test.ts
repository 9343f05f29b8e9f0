import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketWaiter } from './socket-wait.js';

test('SocketWaiter wakes a key once when its socket is created; never for one that exists already, after cancel, or without a directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kv-sockwait-'));
  const w = new SocketWaiter((key) => woken.push(key));
  const woken: string[] = [];
  t.after(() => {
    w.cancelAll();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const d of ['a', 'b', 'c']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'c', 'launcher.sock'), '');

  w.wait('ns/a', join(dir, 'a', 'launcher.sock'));
  w.wait('ns/a', join(dir, 'a', 'launcher.sock'));
  w.wait('ns/b', join(dir, 'b', 'launcher.sock'));
  w.wait('ns/c', join(dir, 'c', 'launcher.sock'));
  w.wait('ns/missing', join(dir, 'no-such-dir', 'launcher.sock'));
  assert.equal(woken.length, 0, 'an existing (maybe stale) socket is left to the retry timer');
  w.cancel('ns/b');
  writeFileSync(join(dir, 'a', 'other-file'), '');
  writeFileSync(join(dir, 'b', 'launcher.sock'), '');
  writeFileSync(join(dir, 'a', 'launcher.sock'), '');
  const deadline = Date.now() + 10_000;
  while (!woken.includes('ns/a') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  writeFileSync(join(dir, 'a', 'launcher.sock'), 'again');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(woken, ['ns/a'], 'a wakes once; the cancelled b, existing c and the dir-less key never');
});

test('SocketWaiter wakes a key when its socket is renamed into place (how a launcher publishes a listening socket)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kv-sockwait-'));
  const woken: string[] = [];
  const w = new SocketWaiter((key) => woken.push(key));
  t.after(() => {
    w.cancelAll();
    rmSync(dir, { recursive: true, force: true });
  });
  w.wait('ns/r', join(dir, 'launcher.sock'));
  writeFileSync(join(dir, '.123'), '');
  renameSync(join(dir, '.123'), join(dir, 'launcher.sock'));
  const deadline = Date.now() + 10_000;
  while (woken.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(woken, ['ns/r']);
});
