import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LibvirtConnection } from './client.js';
import { LibvirtError, VIR_ERR_AUTH_FAILED, VIR_ERR_OPERATION_TIMEOUT } from './errors.js';
import { replyTo, startFakeDaemon } from './fake-daemon.js';
import { XdrWriter } from './xdr.js';

/** A daemon stand-in that answers every call with the auth type list, or never answers when null. */
async function withDaemon(authTypes: number[] | null, fn: (path: string) => Promise<void>): Promise<void> {
  const fake = await startFakeDaemon((h, _body, sock) => {
    if (authTypes !== null) replyTo(sock, h, new XdrWriter().array(authTypes, (w, t) => w.int(t)).finish());
  });
  try {
    await fn(fake.path);
  } finally {
    fake.done();
  }
}

test('connect fails with VIR_ERR_OPERATION_TIMEOUT when the daemon never answers', async () => {
  await withDaemon(null, async (path) => {
    await assert.rejects(LibvirtConnection.connect(path, { connectTimeoutMs: 100 }), (e: unknown) => {
      assert.ok(e instanceof LibvirtError);
      assert.equal(e.code, VIR_ERR_OPERATION_TIMEOUT);
      assert.match(e.message, /timed out after 100 ms opening the connection/);
      return true;
    });
  });
});

test('connect refuses daemons that demand SASL or polkit authentication', async () => {
  await withDaemon([1, 2], async (path) => {
    await assert.rejects(LibvirtConnection.connect(path), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_AUTH_FAILED);
  });
});

test('connect reports a missing socket as a system error naming the path', async () => {
  await assert.rejects(LibvirtConnection.connect('/nonexistent/libvirt-sock'), /Failed to connect socket to '\/nonexistent\/libvirt-sock'/);
});
