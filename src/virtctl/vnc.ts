/**
 * `virtctl vnc VMI [--proxy-only] [--port N] [--address A]`: a local TCP listener whose clients
 * are joined to the VMI's `vnc` websocket. --proxy-only prints `{"port":N}` (as upstream) and
 * serves until interrupted; otherwise a viewer found on PATH (remote-viewer, vncviewer,
 * gvncviewer) is started against it and virtctl exits with the viewer.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Command } from 'commander';
import type { Api, CommandContext } from './api.js';
import { bridge } from './bridge.js';
import { VirtctlError, messageOf, wrapError } from './errors.js';
import { intArg, withSession } from './flags.js';
import { subresourcePath } from './paths.js';
import { registerScreenshot } from './screenshot.js';

/** A VNC viewer and how to point it at 127.0.0.1:port. */
export interface Viewer {
  readonly binary: string;
  args(host: string, port: number): string[];
}

/** Viewers tried in order, with the address syntax each understands. */
export const VIEWERS: readonly Viewer[] = [
  { binary: 'remote-viewer', args: (h, p) => [`vnc://${h}:${p}`] },
  // TigerVNC reads host::port as a port (host:N would be a display number below 100)
  { binary: 'vncviewer', args: (h, p) => [`${h}::${p}`] },
  // gtk-vnc's example viewer takes host:display only, display = port - 5900
  { binary: 'gvncviewer', args: (h, p) => [`${h}:${p - 5900}`] },
];

/** The first viewer on PATH, or a clear error naming what to install or use instead. */
export function pickViewer(which: (b: string) => string | undefined): Viewer {
  const v = VIEWERS.find((x) => which(x.binary) !== undefined);
  if (!v) throw new VirtctlError(`could not find ${VIEWERS.map((x) => x.binary).join(', ')} in $PATH; install one, or run with --proxy-only and point any VNC client at the printed port`);
  return v;
}

/** `{"port":N}`, the line --proxy-only prints. */
export function proxyOnlyLine(port: number): string {
  return `${JSON.stringify({ port })}\n`;
}

async function listenOn(address: string, port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Binds the listener; gvncviewer can only reach ports from 5900, so one is searched there. */
async function bindProxy(address: string, port: number, needs5900: boolean): Promise<Server> {
  if (port !== 0 || !needs5900) return listenOn(address, port);
  for (let p = 5900; p < 6000; p++) {
    try {
      return await listenOn(address, p);
    } catch {
      // taken: try the next display
    }
  }
  throw new VirtctlError('no free port from 5900 to 5999 for gvncviewer; pass --port');
}

/** Serves clients: the first gets the stream opened up front, later ones a fresh stream each. */
function serve(ctx: CommandContext, server: Server, api: Api, path: string, first: Duplex): Set<Socket> {
  const conns = new Set<Socket>();
  let pending: Duplex | undefined = first;
  first.once('close', () => {
    if (pending === first) pending = undefined;
  });
  server.on('connection', (sock) => {
    conns.add(sock);
    sock.once('close', () => conns.delete(sock));
    const ready = pending;
    pending = undefined;
    (ready && !ready.destroyed ? Promise.resolve(ready) : api.stream(path)).then(
      (ws) => bridge(sock, ws),
      (err: unknown) => {
        ctx.term.stderr.write(`error: can't open VNC: ${messageOf(err)}\n`);
        sock.destroy();
      },
    );
  });
  return conns;
}

/** Adds `vnc` (and `vnc screenshot`) to the CLI. */
export function registerVnc(program: Command, ctx: CommandContext): void {
  const vnc = program
    .command('vnc')
    .description('Open a vnc connection to a virtual machine instance.')
    .argument('<vmi>', 'name of the VirtualMachineInstance')
    .option('--proxy-only', 'only run the proxy and print the local port, as {"port":N}, for any VNC client')
    .option('--port <port>', 'local port for the proxy (0: a random free port)', intArg(0, 65535), 0)
    .option('--address <address>', 'local address for the proxy', '127.0.0.1')
    .addHelpText('after', `\nExamples:\n  # Connect to 'testvmi' via remote-viewer:\n  ${ctx.programName} vnc testvmi\n  # Print a port any VNC client can connect to:\n  ${ctx.programName} vnc --proxy-only testvmi\n`)
    .action(async (name: string, flags: { proxyOnly?: boolean; port: number; address: string }, cmd: Command) => {
      const viewer = flags.proxyOnly ? undefined : pickViewer((b) => ctx.which(b));
      await withSession(ctx, cmd, async (s) => {
        const path = subresourcePath('vmi', s.namespace, name, 'vnc');
        let first: Duplex;
        try {
          first = await s.api.stream(path);
        } catch (err) {
          throw wrapError(`Can't access VMI ${name}: `, err);
        }
        const server = await bindProxy(flags.address, flags.port, viewer?.binary === 'gvncviewer');
        const conns = serve(ctx, server, s.api, path, first);
        const addr = server.address();
        const port = addr && typeof addr !== 'string' ? addr.port : flags.port;
        try {
          if (!viewer) {
            ctx.term.stdout.write(proxyOnlyLine(port));
            if (!ctx.interrupted.aborted) await new Promise<void>((resolve) => ctx.interrupted.addEventListener('abort', () => resolve(), { once: true }));
            return;
          }
          const child = ctx.spawn(viewer.binary, viewer.args('127.0.0.1', port), { quiet: true });
          const onAbort = (): void => child.kill();
          ctx.interrupted.addEventListener('abort', onAbort, { once: true });
          const code = await child.exited;
          ctx.interrupted.removeEventListener('abort', onAbort);
          if (code !== 0 && !ctx.interrupted.aborted) throw new VirtctlError(`Error encountered: ${viewer.binary} exited with status ${code}`);
        } finally {
          server.close();
          for (const c of conns) c.destroy();
          first.destroy();
        }
      });
    });
  registerScreenshot(vnc, ctx);
}
