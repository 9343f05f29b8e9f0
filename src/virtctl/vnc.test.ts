// VNC: which viewer is started and how it is pointed at the proxy, and the --proxy-only line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { pickViewer, proxyOnlyLine } from './vnc.js';
import { runFake } from './testing.js';

test('viewers are tried in upstream order, each with its own address syntax', () => {
  const only = (b: string) => (x: string) => (x === b ? `/usr/bin/${b}` : undefined);
  assert.deepEqual(pickViewer(only('remote-viewer')).args('127.0.0.1', 41000), ['vnc://127.0.0.1:41000']);
  assert.deepEqual(pickViewer(only('vncviewer')).args('127.0.0.1', 41000), ['127.0.0.1::41000']);
  assert.deepEqual(pickViewer(only('gvncviewer')).args('127.0.0.1', 5901), ['127.0.0.1:1']);
  assert.equal(pickViewer((x) => (x === 'remote-viewer' || x === 'vncviewer' ? x : undefined)).binary, 'remote-viewer');
  assert.throws(() => pickViewer(() => undefined), /could not find remote-viewer, vncviewer, gvncviewer in \$PATH; .*--proxy-only/);
});

test('--proxy-only prints the port as upstream does', () => {
  assert.equal(proxyOnlyLine(5900), '{"port":5900}\n');
});

test('virtctl vnc with no viewer installed fails before connecting', async () => {
  const r = await runFake(['vnc', 'v1'], { onPath: [] });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /could not find remote-viewer/);
  assert.equal(r.streams.length, 0);
});

test('virtctl vnc starts the viewer on the proxy port and ends with it', async () => {
  const r = await runFake(['vnc', 'v1', '-n', 'ns'], { onPath: ['remote-viewer'], stream: () => new PassThrough() });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.streams, ['/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/v1/vnc']);
  assert.equal(r.spawned.length, 1);
  assert.equal(r.spawned[0]!.file, 'remote-viewer');
  assert.match(r.spawned[0]!.args[0]!, /^vnc:\/\/127\.0\.0\.1:\d+$/);
  const failed = await runFake(['vnc', 'v1'], { onPath: ['remote-viewer'], stream: () => new PassThrough(), spawnExit: 2 });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /remote-viewer exited with status 2/);
});
