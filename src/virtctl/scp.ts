/**
 * `virtctl scp [-r] [--preserve] SRC DST`: one side is `[user@]TYPE/NAME[/NAMESPACE]:PATH`; runs
 * the system `scp` through the same ProxyCommand as `virtctl ssh`.
 */
import type { Command } from 'commander';
import type { CommandContext, GlobalOptions } from './api.js';
import { VirtctlError } from './errors.js';
import { globalsOf } from './flags.js';
import { addSshFlags, commonSshArgs, parseSshTarget, runLocalClient, sshHost, sshUser, type SshFlags, type SshTarget } from './ssh.js';

/** Which side is remote, and the two paths. */
export interface ScpPlan {
  readonly remote: SshTarget;
  readonly remotePath: string;
  readonly localPath: string;
  readonly toRemote: boolean;
}

/** Splits the two scp operands (upstream's ParseTarget): exactly one must contain ':'. */
export function parseScpOperands(source: string, destination: string, fallbackNamespace: string): ScpPlan {
  const srcRemote = source.includes(':');
  const dstRemote = destination.includes(':');
  if (srcRemote && dstRemote) throw new VirtctlError(`copying from a remote location to another remote location is not supported: "${source}" to "${destination}"`);
  if (!srcRemote && !dstRemote) throw new VirtctlError(`none of the two provided locations seems to be a remote location: "${source}" to "${destination}"`);
  const remoteArg = dstRemote ? destination : source;
  const colon = remoteArg.indexOf(':');
  return {
    remote: parseSshTarget(remoteArg.slice(0, colon), fallbackNamespace),
    remotePath: remoteArg.slice(colon + 1),
    localPath: dstRemote ? source : destination,
    toRemote: dstRemote,
  };
}

/** The full argv for the system scp client. */
export function scpArgs(
  self: readonly string[],
  globals: GlobalOptions,
  plan: ScpPlan,
  flags: SshFlags & { recursive?: boolean; preserve?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const args = commonSshArgs(self, globals, plan.remote, flags);
  if (flags.recursive) args.push('-r');
  if (flags.preserve) args.push('-p');
  const user = sshUser(plan.remote, flags, env);
  const remote = `${user ? `${user}@` : ''}${sshHost(plan.remote)}:${plan.remotePath}`;
  if (plan.toRemote) args.push(plan.localPath, remote);
  else args.push(remote, plan.localPath);
  return args;
}

/** Adds `scp` to the CLI. */
export function registerScp(program: Command, ctx: CommandContext): void {
  addSshFlags(program.command('scp').description('SCP files from/to a virtual machine instance.').argument('<source>').argument('<destination>'))
    .option('-r, --recursive', 'recursively copy entire directories')
    .option('--preserve', 'preserve modification times, access times, and modes from the original file')
    .addHelpText('after', `\nExamples:\n  # Copy a file to the remote home folder of user jdoe:\n  ${ctx.programName} scp myfile.bin jdoe@vmi/testvmi:myfile.bin\n  # Copy a file from the VM to a local folder:\n  ${ctx.programName} scp jdoe@vmi/testvmi:myfile.bin ~/myfile.bin\n`)
    .action(async (source: string, destination: string, flags: SshFlags & { recursive?: boolean; preserve?: boolean }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const session = await ctx.connect(globals);
      await session.api.close();
      const plan = parseScpOperands(source, destination, session.namespace);
      await runLocalClient(ctx, 'scp', scpArgs(ctx.selfCommand, globals, plan, flags, ctx.env));
    });
}
