import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { LibvirtError, VIR_ERR_NO_DOMAIN, VIR_ERR_RPC } from './errors.js';
import { replyTo, startFakeDaemon } from './fake-daemon.js';
import { KEEPALIVE_PROGRAM, MessageStatus, MessageType, REMOTE_PROGRAM, RemoteProc } from './protocol.js';
import { readDomain, writeDomain, writeOptString, writeString } from './remote-types.js';
import { decodeHeader, decodeRemoteError, encodeMessage, FrameDecoder, RpcClient, type MessageHeader } from './rpc.js';
import { XdrReader, XdrWriter } from './xdr.js';

// Recorded from `virsh -c qemu:///system?socket=... domstate nope` against libvirtd 9.0.0 through a
// logging proxy: what libvirt's own client sends, and what the daemon answers.
const REC = {
  authListCall: '0000001c200080860000000100000042000000000000000000000000',
  authListReply: '000000242000808600000001000000420000000100000000000000000000000100000000',
  openCall: '00000038200080860000000100000001000000000000000200000000000000010000000e71656d753a2f2f2f73797374656d000000000000',
  lookupCall: '00000024200080860000000100000017000000000000000600000000000000046e6f7065',
  lookupReplyOk:
    '000000382000808600000001000000170000000100000006000000000000000474696e796138d9458fd84f23995d8a58ae3f8ae5ffffffff',
  getStateCall:
    '0000003c2000808600000001000000d40000000000000007000000000000000474696e796138d9458fd84f23995d8a58ae3f8ae5ffffffff00000000',
  getStateReply: '000000242000808600000001000000d40000000100000007000000000000000500000000',
  lookupReplyError:
    '000000c42000808600000001000000170000000100000006000000010000002a0000000a0000000100000035446f6d61696e206e6f7420666f756e643a206e6f20646f6d61696e2077697468206d61746368696e67206e616d6520276e6f70652700000000000002000000000000000100000014446f6d61696e206e6f7420666f756e643a20257300000001000000236e6f20646f6d61696e2077697468206d61746368696e67206e616d6520276e6f7065270000000000ffffffffffffffff00000000',
};
const TINY = { name: 'tiny', uuid: '6138d945-8fd8-4f23-995d-8a58ae3f8ae5', id: -1 };

function call(proc: number, serial: number, args?: (w: XdrWriter) => void): string {
  const w = new XdrWriter();
  args?.(w);
  return encodeMessage({ prog: REMOTE_PROGRAM, vers: 1, proc, type: MessageType.CALL, serial, status: MessageStatus.OK }, w.finish()).toString('hex');
}

test('encodeMessage reproduces libvirt client calls byte for byte', () => {
  const cases = [
    { name: 'AUTH_LIST', got: call(RemoteProc.AUTH_LIST, 0), want: REC.authListCall },
    {
      name: 'CONNECT_OPEN',
      got: call(RemoteProc.CONNECT_OPEN, 2, (w) => {
        writeOptString(w, 'qemu:///system');
        w.uint(0);
      }),
      want: REC.openCall,
    },
    { name: 'DOMAIN_LOOKUP_BY_NAME', got: call(RemoteProc.DOMAIN_LOOKUP_BY_NAME, 6, (w) => writeString(w, 'nope')), want: REC.lookupCall },
    {
      name: 'DOMAIN_GET_STATE',
      got: call(RemoteProc.DOMAIN_GET_STATE, 7, (w) => {
        writeDomain(w, TINY);
        w.uint(0);
      }),
      want: REC.getStateCall,
    },
  ];
  for (const c of cases) assert.equal(c.got, c.want, c.name);
});

test('FrameDecoder splits a recorded server stream however it is chunked', () => {
  const stream = Buffer.from(REC.authListReply + REC.lookupReplyError + REC.getStateReply, 'hex');
  for (const chunk of [1, 3, 7, 28, stream.length]) {
    const dec = new FrameDecoder();
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i += chunk) frames.push(...dec.push(stream.subarray(i, i + chunk)));
    const headers = frames.map((f) => decodeHeader(new XdrReader(f)));
    assert.deepEqual(
      headers.map((h) => [h.proc, h.type, h.serial, h.status]),
      [
        [RemoteProc.AUTH_LIST, MessageType.REPLY, 0, MessageStatus.OK],
        [RemoteProc.DOMAIN_LOOKUP_BY_NAME, MessageType.REPLY, 6, MessageStatus.ERROR],
        [RemoteProc.DOMAIN_GET_STATE, MessageType.REPLY, 7, MessageStatus.OK],
      ],
      `chunk ${chunk}`,
    );
  }
});

test('FrameDecoder reassembles a large message from many small chunks', () => {
  const payload = Buffer.alloc(1024 * 1024, 0x5a);
  const msg = encodeMessage({ prog: REMOTE_PROGRAM, vers: 1, proc: RemoteProc.DOMAIN_GET_XML_DESC, type: MessageType.REPLY, serial: 9, status: 0 }, payload);
  const dec = new FrameDecoder();
  const frames: Buffer[] = [];
  for (let i = 0; i < msg.length; i += 1000) frames.push(...dec.push(msg.subarray(i, i + 1000)));
  assert.equal(frames.length, 1);
  assert.equal(decodeHeader(new XdrReader(frames[0]!)).serial, 9);
  assert.ok(frames[0]!.subarray(24).equals(payload));
});

test('FrameDecoder refuses lengths libvirt would refuse', () => {
  for (const len of ['00000010', '01000005']) {
    assert.throws(() => new FrameDecoder().push(Buffer.from(len + '00000000', 'hex')), LibvirtError, len);
  }
});

test('decodeRemoteError reads the recorded "domain not found" reply', () => {
  const r = new XdrReader(Buffer.from(REC.lookupReplyError, 'hex').subarray(4 + 24));
  const e = decodeRemoteError(r);
  r.end();
  assert.equal(e.code, VIR_ERR_NO_DOMAIN);
  assert.equal(e.domain, 10);
  assert.equal(e.level, 2);
  assert.equal(e.message, "Domain not found: no domain with matching name 'nope'");
  assert.equal(e.str2, "no domain with matching name 'nope'");
});

test('the recorded lookup reply decodes to the domain reference', () => {
  const r = new XdrReader(Buffer.from(REC.lookupReplyOk, 'hex').subarray(28));
  assert.deepEqual(readDomain(r), TINY);
  r.end();
});

test('RpcClient matches out-of-order replies to concurrent calls by serial', async () => {
  const held: { h: MessageHeader; body: Buffer; sock: Socket }[] = [];
  const srv = await startFakeDaemon((h, body, sock) => {
    held.push({ h, body, sock });
    if (held.length === 3) for (const m of held.reverse()) replyTo(m.sock, m.h, m.body); // echo, last first
  });
  const rpc = await RpcClient.connectUnix(srv.path);
  try {
    const results = await Promise.all(
      [10, 20, 30].map((n) => rpc.call(REMOTE_PROGRAM, 1, RemoteProc.CONNECT_GET_LIB_VERSION, (w) => w.int(n)).then((r) => r.int())),
    );
    assert.deepEqual(results, [10, 20, 30]);
    assert.deepEqual(held.map((m) => m.h.serial).sort(), [1, 2, 3]);
  } finally {
    await rpc.close();
    srv.done();
  }
});

test('RpcClient turns an ERROR reply into a LibvirtError with libvirt code and message', async () => {
  const errPayload = Buffer.from(REC.lookupReplyError, 'hex').subarray(28);
  const srv = await startFakeDaemon((h, _b, sock) => replyTo(sock, h, errPayload, MessageStatus.ERROR));
  const rpc = await RpcClient.connectUnix(srv.path);
  try {
    await assert.rejects(rpc.call(REMOTE_PROGRAM, 1, RemoteProc.DOMAIN_LOOKUP_BY_NAME, (w) => writeString(w, 'nope')), (e: unknown) => {
      assert.ok(e instanceof LibvirtError);
      assert.equal(e.code, VIR_ERR_NO_DOMAIN);
      assert.equal(e.codeName, 'VIR_ERR_NO_DOMAIN');
      assert.equal(e.message, "Domain not found: no domain with matching name 'nope'");
      return true;
    });
  } finally {
    await rpc.close();
    srv.done();
  }
});

test('RpcClient rejects a call whose reply names another procedure', async () => {
  const srv = await startFakeDaemon((h, _b, sock) => replyTo(sock, { ...h, proc: h.proc + 1 }, Buffer.alloc(0)));
  const rpc = await RpcClient.connectUnix(srv.path);
  try {
    await assert.rejects(rpc.call(REMOTE_PROGRAM, 1, RemoteProc.CONNECT_GET_URI), /is for procedure 111, not 110/);
  } finally {
    await rpc.close();
    srv.done();
  }
});

test('RpcClient rejects pending calls when the server closes the connection', async () => {
  const srv = await startFakeDaemon((_h, _b, sock) => sock.destroy());
  const rpc = await RpcClient.connectUnix(srv.path);
  const closed = new Promise<LibvirtError | null>((res) => rpc.onClose(res));
  try {
    await assert.rejects(rpc.call(REMOTE_PROGRAM, 1, RemoteProc.CONNECT_GET_URI), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_RPC);
    const err = await closed;
    assert.match(err?.message ?? '', /client socket is closed/);
    await assert.rejects(rpc.call(REMOTE_PROGRAM, 1, RemoteProc.CONNECT_GET_URI), /client socket is closed/);
  } finally {
    await rpc.close();
    srv.done();
  }
});

test('RpcClient answers keepalive PINGs with PONGs and dispatches event MESSAGEs', async () => {
  const seen: MessageHeader[] = [];
  const srv = await startFakeDaemon((h) => seen.push(h));
  const rpc = await RpcClient.connectUnix(srv.path);
  try {
    const events: { proc: number; value: number }[] = [];
    rpc.onEvent((ev) => events.push({ proc: ev.proc, value: ev.body.int() }));
    await waitUntil(() => srv.sockets.length === 1);
    const sock = srv.sockets[0]!;
    sock.write(encodeMessage({ prog: KEEPALIVE_PROGRAM, vers: 1, proc: 1, type: MessageType.MESSAGE, serial: 0, status: 0 }));
    const ev = new XdrWriter().int(77).finish();
    sock.write(encodeMessage({ prog: REMOTE_PROGRAM, vers: 1, proc: RemoteProc.DOMAIN_EVENT_CALLBACK_LIFECYCLE, type: MessageType.MESSAGE, serial: 0, status: 0 }, ev));
    await waitUntil(() => seen.length === 1 && events.length === 1);
    assert.deepEqual([seen[0]!.prog, seen[0]!.proc, seen[0]!.type], [KEEPALIVE_PROGRAM, 2, MessageType.MESSAGE]);
    assert.deepEqual(events, [{ proc: RemoteProc.DOMAIN_EVENT_CALLBACK_LIFECYCLE, value: 77 }]);
  } finally {
    await rpc.close();
    srv.done();
  }
});

test('RpcClient PINGs a silent server and closes after the unanswered count', async () => {
  const pings: number[] = [];
  const srv = await startFakeDaemon((h) => {
    if (h.prog === KEEPALIVE_PROGRAM) pings.push(h.proc);
  });
  const rpc = await RpcClient.connectUnix(srv.path, { keepaliveIntervalMs: 20, keepaliveCount: 2 });
  try {
    const closed = new Promise<LibvirtError | null>((res) => rpc.onClose(res));
    rpc.startKeepalive();
    const pending = rpc.call(REMOTE_PROGRAM, 1, RemoteProc.CONNECT_GET_URI);
    const err = await closed;
    assert.match(err?.message ?? '', /keepalive timeout/);
    await assert.rejects(pending, /keepalive timeout/);
    assert.deepEqual(pings, [1, 1]);
  } finally {
    await rpc.close();
    srv.done();
  }
});

async function waitUntil(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
