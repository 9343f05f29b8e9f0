import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { relaySocket, relayWebSockets, sendableCloseCode } from './stream-relay.js';

test('close codes that may not be sent become 1000', () => {
  const cases: [number, number][] = [[1000, 1000], [1001, 1001], [1005, 1000], [1006, 1000], [1011, 1011], [1015, 1000], [4001, 4001], [5000, 1000]];
  for (const [code, want] of cases) assert.equal(sendableCloseCode(code), want, String(code));
});

/** A websocket server on loopback whose every connection goes to `onConnection`. */
async function wsServer(onConnection: (ws: WebSocket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', onConnection);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, close: () => new Promise((r) => wss.close(() => r())) };
}

async function tcpServer(onConnection: (s: Socket) => void): Promise<Server> {
  const srv = createServer(onConnection);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return srv;
}

const opened = (ws: WebSocket): Promise<void> => new Promise((resolve, reject) => {
  ws.once('open', () => resolve());
  ws.once('error', reject);
});
const closedWith = (ws: WebSocket): Promise<{ code: number; reason: string }> => new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
const firstMessage = (ws: WebSocket): Promise<string> => new Promise((r) => ws.once('message', (d: Buffer) => r(d.toString())));

test('relaySocket: bytes both ways; the socket ending closes the websocket with 1000 and the relay resolves', { timeout: 10_000 }, async () => {
  let relayed: Promise<void> | undefined;
  const tcp = await tcpServer((s) => {
    s.once('data', (d) => {
      assert.equal(d.toString(), 'ping');
      s.end('pong');
    });
  });
  const ws = await wsServer((server) => {
    const sock = connect((tcp.address() as AddressInfo).port, '127.0.0.1');
    relayed = relaySocket(server, sock);
  });
  try {
    const client = new WebSocket(ws.url);
    await opened(client);
    const answer = firstMessage(client);
    const closed = closedWith(client);
    client.send(Buffer.from('ping'));
    assert.equal(await answer, 'pong');
    assert.equal((await closed).code, 1000);
    await relayed;
  } finally {
    await ws.close();
    await new Promise((r) => tcp.close(r));
  }
});

test('relayWebSockets: messages both ways; a close on one side reaches the other with its code and reason', { timeout: 10_000 }, async () => {
  const backend = await wsServer((b) => {
    b.send(Buffer.from('hello'));
    b.once('message', (d: Buffer) => {
      b.send(Buffer.from(`echo ${d.toString()}`));
      b.close(4001, 'bye');
    });
  });
  let relayed: Promise<void> | undefined;
  const front = await wsServer((f) => {
    const b = new WebSocket(backend.url);
    b.once('open', () => {
      relayed = relayWebSockets(f, b);
    });
  });
  try {
    const client = new WebSocket(front.url);
    const closed = closedWith(client);
    const greeting = firstMessage(client);
    await opened(client);
    assert.equal(await greeting, 'hello', 'the backend reaches the client once the relay runs');
    const answer = firstMessage(client);
    client.send(Buffer.from('hi'));
    assert.equal(await answer, 'echo hi');
    assert.deepEqual(await closed, { code: 4001, reason: 'bye' });
    await relayed;
  } finally {
    await Promise.all([front.close(), backend.close()]);
  }
});
