/**
 * `virtctl console VMI [--timeout MINUTES]`: the serial console over the `console` websocket.
 * On a TTY the terminal goes raw and `^]` leaves; otherwise stdin and stdout are piped as they
 * are (so scripts and tests can drive it). While the VMI is not ready the API answers 400 and
 * the connection is retried every second until the timeout, as upstream does.
 */
import type { Duplex } from 'node:stream';
import type { Command } from 'commander';
import { StatusError } from '../api/meta/index.js';
import type { CommandContext, Terminal } from './api.js';
import { VirtctlError } from './errors.js';
import { intArg, withSession } from './flags.js';
import { subresourcePath } from './paths.js';

/** `^]`, the byte that ends a console session. */
export const ESCAPE_BYTE = 0x1d;

/** Splits input at the escape byte: what to send, and whether the user asked to leave. */
export function splitAtEscape(chunk: Buffer): { send: Buffer; leave: boolean } {
  const i = chunk.indexOf(ESCAPE_BYTE);
  return i < 0 ? { send: chunk, leave: false } : { send: chunk.subarray(0, i), leave: true };
}

/** Opens a stream, retrying while the server answers 400 (VMI not ready) until the deadline. */
export async function openWithRetry(open: () => Promise<Duplex>, timeoutMs: number, signal: AbortSignal, retryMs = 1000): Promise<Duplex> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await open();
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 400) || timeoutMs <= 0) throw err;
      if (Date.now() + retryMs > deadline) throw new VirtctlError('Timeout trying to connect to the virtual machine instance', { cause: err });
      if (signal.aborted) throw err;
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }
}

/** Runs an attached session until ^], end of input, the server closing, or SIGINT. */
export function attach(term: Terminal, stream: Duplex, signal: AbortSignal): Promise<'escape' | 'input-closed' | 'disconnected' | 'interrupted'> {
  const { stdin, stdout } = term;
  const raw = Boolean(stdin.isTTY && stdin.setRawMode);
  if (raw) stdin.setRawMode!(true);
  return new Promise((resolve) => {
    let done = false;
    const finish = (why: 'escape' | 'input-closed' | 'disconnected' | 'interrupted'): void => {
      if (done) return;
      done = true;
      stdin.off('data', onInput);
      stdin.off('end', onInputEnd);
      signal.removeEventListener('abort', onAbort);
      if (raw) stdin.setRawMode!(false);
      stdin.pause();
      const destroy = (): void => {
        stream.destroy();
        resolve(why);
      };
      if (why === 'input-closed' && !stream.destroyed) stream.end(destroy);
      else destroy();
    };
    const onInput = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const { send, leave } = raw ? splitAtEscape(buf) : { send: buf, leave: false };
      if (send.length > 0 && !stream.destroyed) stream.write(send);
      if (leave) finish('escape');
    };
    const onInputEnd = (): void => finish('input-closed');
    const onAbort = (): void => finish('interrupted');
    stream.on('data', (b: Buffer) => stdout.write(b));
    stream.once('end', () => finish('disconnected'));
    stream.once('close', () => finish('disconnected'));
    stream.on('error', () => finish('disconnected'));
    stdin.on('data', onInput);
    stdin.once('end', onInputEnd);
    signal.addEventListener('abort', onAbort, { once: true });
    stdin.resume();
  });
}

/** Adds `console` to the CLI. */
export function registerConsole(program: Command, ctx: CommandContext): void {
  program
    .command('console')
    .description('Connect to a console of a virtual machine instance.')
    .argument('<vmi>', 'name of the VirtualMachineInstance')
    .option('--timeout <minutes>', 'the number of minutes to wait for the virtual machine instance to be ready', intArg(0), 5)
    .addHelpText(
      'after',
      `\nExamples:\n  # Connect to the console on VirtualMachineInstance 'myvmi':\n  ${ctx.programName} console myvmi\n  # Configure one minute timeout (default 5 minutes)\n  ${ctx.programName} console --timeout=1 myvmi\n`,
    )
    .action(async (name: string, flags: { timeout: number }, cmd: Command) => {
      await withSession(ctx, cmd, async (s) => {
        const path = subresourcePath('vmi', s.namespace, name, 'console');
        const stream = await openWithRetry(() => s.api.stream(path), flags.timeout * 60_000, ctx.interrupted);
        ctx.term.stderr.write(`Successfully connected to ${name} console. The escape sequence is ^]\n`);
        const why = await attach(ctx.term, stream, ctx.interrupted);
        if (why === 'disconnected') ctx.term.stderr.write('\nThe console connection was closed: another client may have connected to this console, or the connection failed.\n');
        else if (why !== 'input-closed') ctx.term.stderr.write('\n');
      });
    });
}
