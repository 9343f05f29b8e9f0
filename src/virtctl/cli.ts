/**
 * The virtctl command tree (commander): global flags as kubectl has them (--kubeconfig,
 * -n/--namespace, --context), one module per command, `--help` everywhere, and upstream's exit
 * codes: 0 on success, 1 on any error with the message on stderr.
 */
import { basename } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CommandContext } from './api.js';
import { messageOf } from './errors.js';
import { booleanFlags, normalizeBooleanFlags } from './flags.js';
import { registerConsole } from './console.js';
import { registerCreate } from './create-vm.js';
import { registerExpose } from './expose.js';
import { registerGuestInfo } from './guestinfo.js';
import { registerPause } from './pause.js';
import { registerPortForward } from './portforward.js';
import { registerRestart } from './restart.js';
import { registerScp } from './scp.js';
import { registerSoftReboot } from './softreboot.js';
import { registerSsh } from './ssh.js';
import { registerStart } from './start.js';
import { registerStop } from './stop.js';
import { registerVersion } from './version.js';
import { registerVnc } from './vnc.js';

/** `kubectl virt` when run as the kubectl plugin (`kubectl-virt`), else `virtctl` (as upstream). */
export function programNameFor(binaryPath: string | undefined): string {
  const b = basename(binaryPath ?? 'virtctl').replace(/\.(js|ts|mjs)$/, '');
  return b.endsWith('-virt') ? `${b.slice(0, -'-virt'.length)} virt` : 'virtctl';
}

/** Builds the full command tree; errors surface as exceptions (exitOverride). */
export function buildCli(ctx: CommandContext): Command {
  const program = new Command(ctx.programName)
    .description(`${ctx.programName} controls virtual machine related operations on your kubernetes cluster.`)
    .option('--kubeconfig <path>', 'path to the kubeconfig file to use for CLI requests')
    .option('-n, --namespace <namespace>', 'if present, the namespace scope for this CLI request')
    .option('--context <name>', 'the name of the kubeconfig context to use')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void ctx.term.stdout.write(s), writeErr: (s) => void ctx.term.stderr.write(s) });
  for (const register of [
    registerStart,
    registerStop,
    registerRestart,
    registerPause,
    registerSoftReboot,
    registerConsole,
    registerVnc,
    registerPortForward,
    registerSsh,
    registerScp,
    registerExpose,
    registerGuestInfo,
    registerCreate,
    registerVersion,
  ]) {
    register(program, ctx);
  }
  return program;
}

/** Runs virtctl with user arguments; returns the process exit code. */
export async function runVirtctl(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const program = buildCli(ctx);
  if (argv.length === 0) {
    ctx.term.stdout.write(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(normalizeBooleanFlags(argv, booleanFlags(program)), { from: 'user' });
    return 0;
  } catch (err) {
    // commander has already printed its own errors (and help, which exits 0)
    if (err instanceof CommanderError) return err.exitCode;
    ctx.term.stderr.write(`${messageOf(err).trimEnd()}\n`);
    return 1;
  }
}
