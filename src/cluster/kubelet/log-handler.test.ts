import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerLogsHandler } from './log-handler.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelet-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('containerLogs serves current, previous and tailed logs', async () => {
  const c = join(dir, 'logs', 'ns_p_uid', 'main');
  mkdirSync(c, { recursive: true });
  writeFileSync(join(c, '0.log'), 'old\n');
  writeFileSync(join(c, '1.log'), 'a\nb\nc\n');
  const srv = createServer(containerLogsHandler(dir));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  try {
    const cases: [string, number, string | RegExp][] = [
      ['/containerLogs/ns/p/main', 200, 'a\nb\nc\n'],
      ['/containerLogs/ns/p/main?tailLines=1', 200, 'c\n'],
      ['/containerLogs/ns/p/main?previous=true', 200, 'old\n'],
      ['/containerLogs/ns/p/other', 400, /container "other" in pod "p"/],
      ['/elsewhere', 404, 'not found'],
    ];
    for (const [path, code, body] of cases) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, code, path);
      const text = await res.text();
      if (typeof body === 'string') assert.equal(text, body, path);
      else assert.match(text, body, path);
    }
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
