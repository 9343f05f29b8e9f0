import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { Store } from '../store/store.js';
import { writeJson } from './respond.js';

/** A ServerResponse stand-in that records what is written. */
function fakeResponse(): { res: ServerResponse; sent: { code?: number; body?: string } } {
  const sent: { code?: number; body?: string } = {};
  const res = {
    destroyed: false,
    headersSent: false,
    writeHead(code: number) {
      sent.code = code;
      this.headersSent = true;
      return this;
    },
    end(body: string) {
      sent.body = body;
    },
    destroy() {
      this.destroyed = true;
    },
  };
  return { res: res as unknown as ServerResponse, sent };
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

test('writeJson answers once the write batch is committed, and 500 when the commit fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'respond-'));
  const s = new Store(join(dir, 'db.sqlite'));
  try {
    const cms = { group: '', resource: 'configmaps' };
    const created = s.create(cms, { metadata: { namespace: 'ns', name: 'a' } });
    const ok = fakeResponse();
    writeJson(ok.res, 201, created);
    assert.equal(ok.sent.code, undefined, 'not before the commit');
    await nextTurn();
    assert.equal(ok.sent.code, 201);
    assert.equal(JSON.parse(ok.sent.body ?? '{}').metadata.name, 'a');

    const st = (s as unknown as { st: { commit: { run(): unknown } } }).st;
    const real = st.commit;
    st.commit = {
      run() {
        throw new Error('disk full');
      },
    };
    const lost = s.create(cms, { metadata: { namespace: 'ns', name: 'b' } });
    const failed = fakeResponse();
    writeJson(failed.res, 201, lost);
    await nextTurn();
    st.commit = real;
    assert.equal(failed.sent.code, 500);
    assert.match(failed.sent.body ?? '', /storage commit failed: disk full/);
    // Nothing written in the meantime: answers go at once.
    const now = fakeResponse();
    writeJson(now.res, 200, { kind: 'Status' });
    assert.equal(now.sent.code, 200);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});
