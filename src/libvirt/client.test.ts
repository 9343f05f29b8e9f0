import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LibvirtConnection } from './client.js';
import { LibvirtError, VIR_ERR_AUTH_FAILED, VIR_ERR_OPERATION_TIMEOUT } from './errors.js';
import type { DomainEvent } from './events.js';
import { replyTo, startFakeDaemon } from './fake-daemon.js';
import { MessageStatus, MessageType, REMOTE_PROGRAM, RemoteProc } from './protocol.js';
import { writeDomain } from './remote-types.js';
import { encodeMessage } from './rpc.js';
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

test('an event sent in the same write as its registration reply still reaches the listener', { timeout: 5000 }, async () => {
  const dom = { name: 'vm', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 1 };
  const fake = await startFakeDaemon((h, _body, sock) => {
    const w = new XdrWriter();
    if (h.proc === RemoteProc.AUTH_LIST) w.uint(0);
    if (h.proc === RemoteProc.CONNECT_SUPPORTS_FEATURE) w.int(0);
    if (h.proc !== RemoteProc.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY) {
      replyTo(sock, h, w.finish());
      return;
    }
    const reply = encodeMessage({ ...h, type: MessageType.REPLY, status: MessageStatus.OK }, new XdrWriter().int(5).finish());
    const ev = new XdrWriter().int(5);
    writeDomain(ev, dom);
    ev.int(2).int(0);
    const msg = encodeMessage({ prog: REMOTE_PROGRAM, vers: 1, proc: RemoteProc.DOMAIN_EVENT_CALLBACK_LIFECYCLE, type: MessageType.MESSAGE, serial: 0, status: 0 }, ev.finish());
    sock.write(Buffer.concat([reply, msg]));
  });
  const conn = await LibvirtConnection.connect(fake.path);
  try {
    const got = await new Promise<DomainEvent>((resolve) => {
      void conn.subscribeDomainEvents(resolve, { kinds: ['lifecycle'] });
    });
    assert.equal(got.kind, 'lifecycle');
    assert.equal(got.kind === 'lifecycle' && `${got.eventName}/${got.detailName}`, 'Started/Booted');
  } finally {
    await conn.close();
    fake.done();
  }
});
