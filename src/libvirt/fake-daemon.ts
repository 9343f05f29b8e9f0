/**
 * A scripted stand-in for libvirtd on a unix socket, for unit tests of the transport and the
 * connection handshake: hands every decoded frame to a callback that may reply.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MESSAGE_HEADER_SIZE, MessageStatus, MessageType } from './protocol.js';
import { decodeHeader, encodeMessage, FrameDecoder, type MessageHeader } from './rpc.js';
import { XdrReader } from './xdr.js';

export interface FakeDaemon {
  readonly path: string;
  readonly server: Server;
  /** Accepted client sockets, in order. */
  readonly sockets: Socket[];
  /** Closes everything and removes the socket dir. */
  done(): void;
}

/** Starts a fake daemon; `onFrame` receives each message header, payload and client socket. */
export async function startFakeDaemon(onFrame: (h: MessageHeader, body: Buffer, sock: Socket) => void): Promise<FakeDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'kvts-fake-libvirtd-'));
  const path = join(dir, 'sock');
  const sockets: Socket[] = [];
  const server = createServer((sock) => {
    sockets.push(sock);
    const dec = new FrameDecoder();
    sock.on('data', (b: Buffer) => {
      for (const f of dec.push(b)) onFrame(decodeHeader(new XdrReader(f)), f.subarray(MESSAGE_HEADER_SIZE), sock);
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((res) => server.listen(path, res));
  return {
    path,
    server,
    sockets,
    done: () => {
      for (const s of sockets) s.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes the REPLY to call `h` with `payload` (an ERROR reply when status is ERROR). */
export function replyTo(sock: Socket, h: MessageHeader, payload: Buffer, status: number = MessageStatus.OK): void {
  sock.write(encodeMessage({ ...h, type: MessageType.REPLY, status }, payload));
}
