import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, existsSync, watch } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LauncherClient, LauncherError, LauncherServer, LineSplitter, stagingPath, type LauncherEvent, type LauncherHandlers } from './index.js';

const running = { state: 'Running', reason: 'Booted' };

function handlers(overrides: Partial<LauncherHandlers> = {}): LauncherHandlers {
  const none = (): Promise<typeof running> => Promise.resolve(running);
  return {
    ping: () => Promise.resolve({ version: 1, pid: process.pid, domain: 'default_vm' }),
    sync: (p) => Promise.resolve({ state: 'Running', reason: `synced ${p.vmi.metadata?.name ?? ''}` }),
    shutdown: none, kill: none, pause: () => Promise.resolve({ state: 'Paused', reason: 'User' }), unpause: none,
    softReboot: none, reset: none,
    getDomain: () => Promise.resolve(null),
    getStats: () => Promise.resolve(null),
    getGuestInfo: () => Promise.resolve({ agentConnected: false }),
    screenshot: () => Promise.resolve({ mimeType: 'image/png', data: '' }),
    ...overrides,
  };
}

async function withPair(h: LauncherHandlers, fn: (c: LauncherClient, s: LauncherServer, path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lrpc-'));
  const path = join(dir, 'launcher.sock');
  const server = await LauncherServer.listen(path, h);
  const client = await LauncherClient.connect(path, { callTimeoutMs: 2000 });
  try {
    await fn(client, server, path);
  } finally {
    client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('calls round-trip with typed results, concurrently and by id', async () => {
  await withPair(handlers(), async (c) => {
    const [ping, synced, paused] = await Promise.all([
      c.call('ping', {}),
      c.call('sync', { vmi: { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm1' }, spec: { domain: { devices: {} } } } }),
      c.call('pause', {}),
    ]);
    assert.equal(ping.domain, 'default_vm');
    assert.deepEqual(synced, { state: 'Running', reason: 'synced vm1' });
    assert.deepEqual(paused, { state: 'Paused', reason: 'User' });
  });
});

test('errors carry code, reason and message; plain errors become Internal', async () => {
  const cases: { name: string; throws: Error; code: string; reason: string }[] = [
    { name: 'typed', throws: new LauncherError('NoDomain', 'NoDomain', 'no domain default_vm'), code: 'NoDomain', reason: 'NoDomain' },
    { name: 'plain', throws: new Error('boom'), code: 'Internal', reason: 'InternalError' },
  ];
  for (const tc of cases) {
    await withPair(handlers({ kill: () => Promise.reject(tc.throws) }), async (c) => {
      await assert.rejects(c.call('kill', {}), (e: unknown) => {
        assert.ok(e instanceof LauncherError, tc.name);
        assert.equal(e.code, tc.code);
        assert.equal(e.reason, tc.reason);
        assert.equal(e.message, tc.throws.message);
        return true;
      });
    });
  }
});

test('unknown methods and malformed lines get error replies, the connection survives', async () => {
  await withPair(handlers(), async (_c, _s, path) => {
    const raw = connect(path);
    raw.setEncoding('utf8');
    const splitter = new LineSplitter();
    const replies: unknown[] = [];
    const got = new Promise<void>((resolve) => raw.on('data', (d: string) => {
      replies.push(...splitter.push(d).map((l) => JSON.parse(l) as unknown));
      if (replies.length === 2) resolve();
    }));
    raw.write('{"id":7,"method":"format-disk","params":{}}\nnot json\n');
    await got;
    raw.destroy();
    assert.deepEqual(replies[0], { id: 7, error: { code: 'UnknownMethod', reason: 'UnknownMethod', message: 'unknown method "format-disk"' } });
    assert.equal((replies[1] as { error: { code: string } }).error.code, 'Internal');
  });
});

test('events reach every client; close rejects pending calls and removes the socket', async () => {
  let release: () => void = () => undefined;
  const slow = handlers({ shutdown: () => new Promise((resolve) => { release = () => resolve(running); }) });
  const dir = mkdtempSync(join(tmpdir(), 'lrpc-'));
  const path = join(dir, 'launcher.sock');
  const server = await LauncherServer.listen(path, slow);
  try {
    const a = await LauncherClient.connect(path);
    const b = await LauncherClient.connect(path);
    const seen: LauncherEvent[][] = [[], []];
    a.onEvent((e) => seen[0]?.push(e));
    b.onEvent((e) => seen[1]?.push(e));
    await a.call('ping', {});
    await b.call('ping', {});
    const ev: LauncherEvent = { type: 'lifecycle', state: 'Shutoff', reason: 'Crashed' };
    server.broadcast(ev);
    const pendingCall = a.call('shutdown', { gracePeriodSeconds: 1 });
    const closed = new Promise<void>((resolve) => a.onClose(resolve));
    await b.call('ping', {}); // events precede later replies on the same connection
    assert.deepEqual(seen[1], [ev]);
    await server.close();
    await closed;
    await assert.rejects(pendingCall, { code: 'Unavailable' });
    assert.deepEqual(seen[0], [ev]);
    release();
    assert.equal(existsSync(path), false);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('connecting to a missing socket fails as Unavailable', async () => {
  await assert.rejects(LauncherClient.connect('/nonexistent/launcher.sock'), { code: 'Unavailable', reason: 'LauncherUnavailable' });
});

test('the socket is listening before its path appears: bound under a staging name, then renamed into place', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lrpc-'));
  const path = join(dir, 'launcher.sock');
  const seen: string[] = [];
  const watcher = watch(dir, (_e, f) => { if (f && seen.at(-1) !== f) seen.push(f); });
  const server = await LauncherServer.listen(path, handlers());
  try {
    const deadline = Date.now() + 5000;
    while (!seen.includes('launcher.sock') && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [`.${process.pid}`, 'launcher.sock'], 'the final name only appears by the rename');
    assert.deepEqual(readdirSync(dir), ['launcher.sock'], 'no staging socket is left behind');
    const client = await LauncherClient.connect(path);
    assert.equal((await client.call('ping', {})).domain, 'default_vm');
    client.close();
  } finally {
    watcher.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(existsSync(path), false, 'close removes the socket');
});

test('stagingPath is a sibling no longer than the socket path, or none for a short name', () => {
  const table: [string, string | undefined][] = [
    ['/run/x/launcher.sock', `/run/x/.${process.pid}`],
    ['/run/x/a.s', undefined],
  ];
  for (const [p, want] of table) assert.equal(stagingPath(p), want, p);
});
