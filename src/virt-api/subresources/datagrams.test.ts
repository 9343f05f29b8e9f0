import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { until } from '../../../test/fixtures/wait.js';
import { dialUdp, relayDatagrams } from './datagrams.js';

let echo: Socket;
let echoPort = 0;
const relayed: Socket[] = [];

before(async () => {
  echo = createSocket('udp4');
  echo.on('message', (msg, from) => echo.send(Buffer.concat([Buffer.from('echo:'), msg]), from.port, from.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
  echoPort = (echo.address()).port;
});
after(() => echo.close());

/** A websocket server relaying each connection to UDP port `port` on loopback; the client side. */
async function relayTo(port: number): Promise<{ client: WebSocket; messages: string[]; closed: Promise<number>; done: Promise<void>; stop: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', r));
  let done: Promise<void> = Promise.resolve();
  wss.on('connection', (ws) => {
    void dialUdp('127.0.0.1', port).then((sock) => {
      relayed.push(sock);
      done = relayDatagrams(ws, sock);
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const messages: string[] = [];
  client.on('message', (d: Buffer) => messages.push(d.toString()));
  const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
  await new Promise((r) => client.once('open', r));
  await until('relay ready', () => (relayed.length > 0 ? true : undefined), 5000, 10);
  return { client, messages, closed, get done() { return done; }, stop: () => new Promise<void>((r) => wss.close(() => r())) };
}

test('each message is one datagram and each reply one message; closing the websocket closes the UDP socket', async () => {
  relayed.length = 0;
  const r = await relayTo(echoPort);
  r.client.send(Buffer.from('one'));
  await until('first reply', () => (r.messages.length === 1 ? true : undefined), 5000, 10);
  r.client.send(Buffer.from('two'));
  await until('second reply', () => (r.messages.length === 2 ? true : undefined), 5000, 10);
  assert.deepEqual(r.messages, ['echo:one', 'echo:two']);
  r.client.close();
  await r.done; // resolves only once the UDP socket is closed too
  assert.throws(() => relayed[0]?.address(), /Not running/);
  await r.stop();
});

test('a closed UDP port (ICMP port unreachable) closes the websocket with 1011', async () => {
  relayed.length = 0;
  const unused = createSocket('udp4');
  await new Promise<void>((res) => unused.bind(0, '127.0.0.1', res));
  const port = (unused.address()).port;
  unused.close();
  const r = await relayTo(port);
  r.client.send(Buffer.from('anyone?'));
  assert.equal(await r.closed, 1011);
  await r.done;
  await r.stop();
});
