/**
 * `virtctl port-forward [--address A] [--stdio] TYPE/NAME[/NAMESPACE] [PROTOCOL/]LOCAL[:REMOTE]...`:
 * every local TCP connection gets its own websocket to .../portforward/REMOTE/tcp, and every
 * local UDP client (address and port) its own websocket to .../portforward/REMOTE/udp carrying one
 * datagram per message, as upstream; with --stdio one stream is joined to stdin/stdout (ssh's
 * ProxyCommand). Runs until interrupted.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Command } from 'commander';
import type { Api, CommandContext } from './api.js';
import { bridge } from './bridge.js';
import { VirtctlError, messageOf } from './errors.js';
import { withSession } from './flags.js';
import { normalizeKind, portForwardSub, subresourcePath, type TargetKind } from './paths.js';

/** A VM or VMI named on the command line; namespace only when the target spelled it out. */
export interface Target {
  readonly kind: TargetKind;
  readonly name: string;
  readonly namespace?: string;
}

/** One `[protocol/]local[:remote]` argument. */
export interface ForwardedPort {
  readonly local: number;
  readonly remote: number;
  readonly protocol: string;
}

/** Parses `type/name[/namespace]` (upstream's ParseTarget). */
export function parseTarget(target: string): Target {
  if (target === '') throw new VirtctlError('target cannot be empty');
  const parts = target.split('/');
  if (parts.length === 1) throw new VirtctlError("target must contain type and name separated by '/'");
  if (parts.length > 3) throw new VirtctlError("target is not valid with more than two '/'");
  const [kind, name, namespace] = parts as [string, string, string?];
  if (namespace === '') throw new VirtctlError('namespace cannot be empty');
  const k = normalizeKind(kind);
  if (name === '') throw new VirtctlError('name cannot be empty');
  return namespace === undefined ? { kind: k, name } : { kind: k, name, namespace };
}

function portNumber(s: string, what: string, min: number): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > 65535) throw new VirtctlError(`invalid ${what} port "${s}": must be a number from ${min} to 65535`);
  return n;
}

/** Parses `[protocol/]local[:remote]`; remote defaults to local, protocol to tcp. */
export function parsePort(arg: string): ForwardedPort {
  let protocol = 'tcp';
  let rest = arg;
  const slash = arg.indexOf('/');
  if (slash >= 0) {
    protocol = arg.slice(0, slash).toLowerCase();
    rest = arg.slice(slash + 1);
  }
  if (protocol !== 'tcp' && protocol !== 'udp') throw new VirtctlError(`unknown protocol: ${protocol}`);
  const ports = rest.split(':').filter((p) => p !== '');
  if (ports.length < 1 || ports.length > 2) throw new VirtctlError('invalid port, missing local and/or remote port');
  const local = portNumber(ports[0]!, 'local', 0);
  const remote = ports.length > 1 ? portNumber(ports[1]!, 'remote', 1) : local;
  if (remote === 0) throw new VirtctlError('invalid port: the remote port must not be 0');
  return { local, remote, protocol };
}

/** The websocket path for one forwarded port. */
export function portForwardPath(target: Target, namespace: string, port: ForwardedPort): string {
  return subresourcePath(target.kind, target.namespace ?? namespace, target.name, portForwardSub(port.remote, port.protocol));
}

/** Joins one stream to stdin/stdout until the remote side closes (a websocket cannot half-close,
 *  so the end of stdin does not close the tunnel: the answer to what was sent still arrives). */
async function forwardStdio(ctx: CommandContext, api: Api, path: string): Promise<void> {
  const ws = await api.stream(path);
  const { stdin, stdout } = ctx.term;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      stdin.unpipe(ws);
      stdin.pause();
      ws.destroy();
      resolve();
    };
    ws.on('data', (b: Buffer) => stdout.write(b));
    stdin.pipe(ws, { end: false });
    ws.once('end', done);
    ws.once('close', done);
    ws.on('error', done);
    ctx.interrupted.addEventListener('abort', done, { once: true });
  });
}

/** Something forwardPorts closes when interrupted. */
interface Closable {
  close(): void;
}

/** Reports a bound local port as upstream's users expect to read it. */
function announce(ctx: CommandContext, port: ForwardedPort, address: string, bound: number): void {
  ctx.term.stderr.write(`forwarding ${port.protocol} ${address}:${bound} to ${port.remote}\n`);
}

/** Listens for UDP on address:local; each client address gets its own tunnel, replies go back
 *  to it as datagrams. Resolves with the bound socket. */
async function listenUdp(ctx: CommandContext, api: Api, address: string, path: string, port: ForwardedPort, conns: Set<Duplex>): Promise<Closable> {
  const sock = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const clients = new Map<string, Promise<Duplex | undefined>>();
  const tunnel = (from: RemoteInfo): Promise<Duplex | undefined> =>
    api.stream(path).then(
      (ws) => {
        conns.add(ws);
        ws.on('data', (b: Buffer) => sock.send(b, from.port, from.address));
        ws.once('close', () => {
          conns.delete(ws);
          clients.delete(`${from.address}:${from.port}`);
        });
        ws.on('error', () => ws.destroy());
        return ws;
      },
      (err: unknown) => {
        ctx.term.stderr.write(`error: can't open a tunnel to port ${port.remote}: ${messageOf(err)}\n`);
        clients.delete(`${from.address}:${from.port}`);
        return undefined;
      },
    );
  sock.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = tunnel(from)));
    void client.then((ws) => ws?.write(msg));
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port.local, address, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  sock.on('error', (e) => ctx.term.stderr.write(`error: udp ${address}:${port.local}: ${e.message}\n`));
  announce(ctx, port, address, sock.address().port);
  return sock;
}

/** Listens on address:local and tunnels every connection; resolves with the bound server. */
async function listen(ctx: CommandContext, api: Api, address: string, path: string, port: ForwardedPort, conns: Set<Duplex>): Promise<Closable> {
  const server = createServer((sock) => {
    conns.add(sock);
    sock.once('close', () => conns.delete(sock));
    api.stream(path).then(
      (ws) => bridge(sock, ws),
      (err: unknown) => {
        ctx.term.stderr.write(`error: can't open a tunnel to port ${port.remote}: ${messageOf(err)}\n`);
        sock.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port.local, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  announce(ctx, port, address, addr && typeof addr !== 'string' ? addr.port : port.local);
  return server;
}

/** Forwards every port until interrupted, then closes listeners and tunnels. */
async function forwardPorts(ctx: CommandContext, api: Api, address: string, paths: readonly [string, ForwardedPort][]): Promise<void> {
  const conns = new Set<Duplex>();
  const servers: Closable[] = [];
  try {
    for (const [path, port] of paths) servers.push(await (port.protocol === 'udp' ? listenUdp : listen)(ctx, api, address, path, port, conns));
    if (!ctx.interrupted.aborted) await new Promise<void>((resolve) => ctx.interrupted.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    for (const s of servers) s.close();
    for (const c of conns) c.destroy();
  }
}

/** Adds `port-forward` to the CLI. */
export function registerPortForward(program: Command, ctx: CommandContext): void {
  program
    .command('port-forward')
    .summary('Forward local ports to a virtualmachine or virtualmachineinstance.')
    .description(
      'Forward local ports to a virtualmachine or virtualmachineinstance.\n\n' +
        'The target is type/name[/namespace]; type is vm or vmi (also vms, vmis, virtualmachine(s), virtualmachineinstance(s)).\n' +
        'Ports are [protocol/]localPort[:targetPort]; protocol is tcp (the default) or udp.\n' +
        'Traffic goes through the Kubernetes API server over websocket streams.',
    )
    .argument('<target>', 'type/name[/namespace]')
    .argument('<ports...>', '[protocol/]localPort[:targetPort]')
    .option('--address <address>', 'the address the local ports are opened on', '127.0.0.1')
    .option('--stdio', 'forward the tunnel to stdin/stdout (one port only)')
    .addHelpText(
      'after',
      `\nExamples:\n  # Forward the local port 8080 to the vmi port:\n  ${ctx.programName} port-forward vmi/testvmi 8080\n\n  # Forward the local port 8080 to the vm port 80 in mynamespace:\n  ${ctx.programName} port-forward vm/testvm/mynamespace 8080:80\n\n  # Forward the local UDP port 5353 to the vmi's UDP port 53:\n  ${ctx.programName} port-forward vmi/testvmi udp/5353:53\n`,
    )
    .action(async (targetArg: string, portArgs: string[], flags: { address: string; stdio?: boolean }, cmd: Command) => {
      const target = parseTarget(targetArg);
      const ports = portArgs.map(parsePort);
      if (flags.stdio && ports.some((p) => p.protocol !== 'tcp')) throw new VirtctlError('only tcp ports can be forwarded to stdout');
      if (flags.stdio && ports.length !== 1) throw new VirtctlError('only one port supported when forwarding to stdout');
      await withSession(ctx, cmd, async (s) => {
        const paths = ports.map((p): [string, ForwardedPort] => [portForwardPath(target, s.namespace, p), p]);
        if (flags.stdio) await forwardStdio(ctx, s.api, paths[0]![0]);
        else await forwardPorts(ctx, s.api, flags.address, paths);
      });
    });
}
