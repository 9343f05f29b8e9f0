import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeDue, recordProbe, runProbe, type ProbeState } from './probes.js';
import { parseLogLines, renderLog } from './logs.js';

test('recordProbe applies success and failure thresholds', () => {
  const p = { failureThreshold: 2, successThreshold: 2 };
  let s: ProbeState | undefined;
  const seq: [boolean, boolean | undefined][] = [[true, undefined], [true, true], [false, true], [false, false], [true, false], [true, true]];
  for (const [ok, want] of seq) {
    s = recordProbe(p, s, ok, 0);
    assert.equal(s.ok, want);
  }
});

test('probeDue honours initialDelaySeconds and periodSeconds', () => {
  const p = { initialDelaySeconds: 5, periodSeconds: 2 };
  assert.equal(probeDue(p, undefined, 0, 4_999), false);
  assert.equal(probeDue(p, undefined, 0, 5_000), true);
  assert.equal(probeDue(p, { successes: 1, failures: 0, ok: true, lastRunMs: 5_000 }, 0, 6_000), false);
  assert.equal(probeDue(p, { successes: 1, failures: 0, ok: true, lastRunMs: 5_000 }, 0, 7_000), true);
});

test('httpGet and tcpSocket probes against a loopback server', async () => {
  const srv = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? 200 : 500;
    res.end();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  try {
    const ctx = { sandboxPid: 0, ip: '127.0.0.1', ports: [{ name: 'http', containerPort: port }] };
    assert.equal(await runProbe({ httpGet: { path: '/healthz', port: 'http' } }, ctx), true);
    assert.equal(await runProbe({ httpGet: { path: '/bad', port } }, ctx), false);
    assert.equal(await runProbe({ tcpSocket: { port } }, ctx), true);
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
  assert.equal(await runProbe({ tcpSocket: { port } }, { sandboxPid: 0, ip: '127.0.0.1' }), false);
});

test('tailLines keeps the last lines of a log', () => {
  const cases: [string, number | undefined, string][] = [['a\nb\nc\n', 2, 'b\nc\n'], ['a\n', 0, ''], ['a\nb\n', undefined, 'a\nb\n'], ['a\n', 5, 'a\n'], ['T stdout P x\nT stdout F y\n', 1, 'y\n']];
  for (const [text, n, want] of cases) assert.equal(renderLog(parseLogLines(text), { tailLines: n }), want);
});

test('an exec probe runs with the container runtime (env and working dir) as kubectl exec does', { skip: process.getuid?.() !== 0 ? 'needs root (nsenter)' : false }, async () => {
  const wd = mkdtempSync(join(tmpdir(), 'kvts-probe-'));
  try {
    const ctx = { sandboxPid: process.pid, ip: '127.0.0.1', runtime: { env: { PROBE_VAR: 'yes', PATH: process.env.PATH ?? '/usr/bin:/bin' }, workingDir: wd } };
    const cases: [string, boolean][] = [[`test "$PROBE_VAR" = yes && test "$(pwd)" = "${wd}"`, true], ['test "$PROBE_VAR" = no', false], ['exit 3', false]];
    for (const [script, want] of cases) assert.equal(await runProbe({ exec: { command: ['sh', '-c', script] } }, ctx), want, script);
  } finally {
    rmSync(wd, { recursive: true, force: true });
  }
});
