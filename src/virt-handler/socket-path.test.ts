import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialPath, MAX_SOCKET_PATH_BYTES, pruneLinks } from './socket-path.js';

test('dialPath keeps short paths and reaches a socket under a long data dir through a short link', async () => {
  const base = mkdtempSync(join(tmpdir(), 'kvts-sock-'));
  const links = join(base, 'l');
  const linkRoot = () => {
    mkdirSync(links, { recursive: true });
    return links;
  };
  try {
    assert.equal(dialPath('/short/launcher.sock', linkRoot), '/short/launcher.sock');
    const longDir = join(base, 'a-very-long-data-directory-name-'.repeat(3), 'nodes', 'node01', 'pods', '0b6f5d2e-8f0c-4b9b-9a0e-1f2e3d4c5b6a', 'volumes', 'private');
    mkdirSync(longDir, { recursive: true });
    const sock = join(longDir, 'launcher.sock');
    assert.ok(Buffer.byteLength(sock) > MAX_SOCKET_PATH_BYTES);
    // Bind at a short path, then move the socket into the long directory (as a launcher in its pod would have it).
    const server = createServer((s) => s.end('hello'));
    const shortBind = join(base, 's.sock');
    await new Promise<void>((r) => server.listen(shortBind, r));
    renameSync(shortBind, sock);
    try {
      const p = dialPath(sock, linkRoot);
      assert.ok(Buffer.byteLength(p) <= MAX_SOCKET_PATH_BYTES, p);
      assert.equal(dialPath(sock, linkRoot), p, 'stable across calls');
      const got = await new Promise<string>((resolve, reject) => {
        const c = connect(p);
        let data = '';
        c.on('data', (d) => (data += d.toString()));
        c.on('end', () => resolve(data));
        c.on('error', reject);
      });
      assert.equal(got, 'hello');
    } finally {
      await new Promise((r) => server.close(r));
    }
    assert.equal(pruneLinks(links), 0, 'target still exists');
    rmSync(join(base, 'a-very-long-data-directory-name-'.repeat(3)), { recursive: true });
    assert.equal(pruneLinks(links), 1, 'dangling link removed');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
