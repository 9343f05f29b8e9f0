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

test('containerLogs serves current, previous, tailed, timestamped and since-filtered logs', async () => {
  const c = join(dir, 'logs', 'ns_p_uid', 'main');
  mkdirSync(c, { recursive: true });
  writeFileSync(join(c, '0.log'), 'old\n');
  const recent = new Date(Date.now() - 5_000).toISOString().replace(/\.\d+Z$/, '.000000000Z');
  writeFileSync(join(c, '1.log'), `2020-01-01T00:00:00.000000000Z stdout F a\n2020-01-01T00:00:01.000000000Z stderr F b\n${recent} stdout F c\n`);
  const srv = createServer(containerLogsHandler(dir));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  try {
    const cases: [string, number, string | RegExp][] = [
      ['/containerLogs/ns/p/main', 200, 'a\nb\nc\n'],
      ['/containerLogs/ns/p/main?tailLines=1', 200, 'c\n'],
      ['/containerLogs/ns/p/main?previous=true', 200, 'old\n'],
      ['/containerLogs/ns/p/main?timestamps=true&tailLines=2', 200, `2020-01-01T00:00:01.000000000Z b\n${recent} c\n`],
      ['/containerLogs/ns/p/main?sinceSeconds=60', 200, 'c\n'],
      ['/containerLogs/ns/p/main?sinceTime=2020-01-01T00:00:01Z', 200, 'b\nc\n'],
      ['/containerLogs/ns/p/main?limitBytes=3', 200, 'a\nb'],
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
