/**
 * `virtctl ssh [user@]TYPE/NAME[/NAMESPACE]`: runs the system `ssh` with
 * `-o ProxyCommand=<this virtctl> port-forward --stdio=true TYPE/NAME/NAMESPACE PORT`, so the
 * connection travels over the port-forward subresource. Flags are upstream's: -l/--username,
 * -i/--identity-file, --known-hosts, -p/--port, -t/--local-ssh-opts, -c/--command, --local-ssh.
 */
import type { Command } from 'commander';
import type { CommandContext, GlobalOptions } from './api.js';
import { VirtctlError } from './errors.js';
import { collect, globalsOf, intArg } from './flags.js';
import { parseTarget, type Target } from './portforward.js';
import type { TargetKind } from './paths.js';

/** Options shared by ssh and scp. */
export interface SshFlags {
  readonly username?: string;
  readonly identityFile?: string;
  readonly knownHosts?: string;
  readonly port: number;
  readonly localSshOpts?: readonly string[];
}

/** A remote end: a VM/VMI in a namespace, with an optional user. */
export interface SshTarget {
  readonly kind: TargetKind;
  readonly name: string;
  readonly namespace: string;
  readonly username?: string;
}

/** Parses `[user@]type/name[/namespace]` (upstream's ssh ParseTarget); namespace falls back. */
export function parseSshTarget(arg: string, fallbackNamespace: string): SshTarget {
  let username: string | undefined;
  let rest = arg;
  const at = arg.indexOf('@');
  if (at >= 0) {
    username = arg.slice(0, at);
    rest = arg.slice(at + 1);
    if (username === '') throw new VirtctlError("expected username before '@'");
    if (rest === '') throw new VirtctlError("expected target after '@'");
  }
  const t: Target = parseTarget(rest);
  return { kind: t.kind, name: t.name, namespace: t.namespace ?? fallbackNamespace, ...(username ? { username } : {}) };
}

/** Quotes one word for the POSIX shell ssh runs ProxyCommand with. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Kubernetes object names (RFC 1123 subdomains); checked so nothing odd reaches ssh's shell. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** `ProxyCommand=...` running this virtctl's port-forward in stdio mode for the target. */
export function proxyCommandOption(self: readonly string[], globals: GlobalOptions, t: SshTarget, port: number): string {
  for (const [what, v] of [['name', t.name], ['namespace', t.namespace]] as const) {
    if (!OBJECT_NAME.test(v)) throw new VirtctlError(`invalid ${what} "${v}": must be a lowercase RFC 1123 name`);
  }
  const words = [...self];
  if (globals.kubeconfig) words.push('--kubeconfig', globals.kubeconfig);
  if (globals.context) words.push('--context', globals.context);
  words.push('port-forward', '--stdio=true', `${t.kind}/${t.name}/${t.namespace}`, String(port));
  return `ProxyCommand=${words.map(shellQuote).join(' ')}`;
}

/** The user to log in as: from the target, else --username, else $USER/$USERNAME/$LOGNAME. */
export function sshUser(t: SshTarget, flags: SshFlags, env: Readonly<Record<string, string | undefined>>): string | undefined {
  return t.username ?? flags.username ?? (env.USER || env.USERNAME || env.LOGNAME || undefined);
}

/** The host alias ssh sees (`vmi.NAME.NAMESPACE`), keyed in known_hosts. */
export function sshHost(t: SshTarget): string {
  return `${t.kind}.${t.name}.${t.namespace}`;
}

/** Options common to ssh and scp: ProxyCommand, extra local options, identity, known hosts. */
export function commonSshArgs(self: readonly string[], globals: GlobalOptions, t: SshTarget, flags: SshFlags): string[] {
  const args = ['-o', proxyCommandOption(self, globals, t, flags.port)];
  if (flags.knownHosts) args.push('-o', `UserKnownHostsFile=${flags.knownHosts}`);
  args.push(...(flags.localSshOpts ?? []));
  if (flags.identityFile) args.push('-i', flags.identityFile);
  return args;
}

/** The full argv for the system ssh client. */
export function sshArgs(self: readonly string[], globals: GlobalOptions, t: SshTarget, flags: SshFlags & { command?: string }, env: Readonly<Record<string, string | undefined>>): string[] {
  const user = sshUser(t, flags, env);
  const args = commonSshArgs(self, globals, t, flags);
  args.push(user ? `${user}@${sshHost(t)}` : sshHost(t));
  if (flags.command) args.push(flags.command);
  return args;
}

/** Adds -l/-i/--known-hosts/-p/-t/--local-ssh to ssh or scp. */
export function addSshFlags(cmd: Command): Command {
  return cmd
    .option('-l, --username <user>', 'the user to log in as (default: $USER)')
    .option('-i, --identity-file <file>', 'a private key used to authenticate to the server')
    .option('--known-hosts <file>', 'the known_hosts file to check the host key against')
    .option('-p, --port <port>', 'the port on the VM to send SSH traffic to', intArg(1, 65535), 22)
    .option('-t, --local-ssh-opts <opt>', 'an additional option passed to the local ssh client (repeatable)', collect)
    .option('--local-ssh', 'use the ssh client on this system (always the case here; kept for compatibility)');
}

/** Runs a local client and turns a non-zero exit into upstream's "exit status N" error. */
export async function runLocalClient(ctx: CommandContext, file: string, args: readonly string[]): Promise<void> {
  if (!ctx.which(file)) throw new VirtctlError(`could not find the ${file} binary in $PATH`);
  const code = await ctx.spawn(file, args).exited;
  if (code !== 0) throw new VirtctlError(`exit status ${code}`);
}

/** Adds `ssh` to the CLI. */
export function registerSsh(program: Command, ctx: CommandContext): void {
  addSshFlags(program.command('ssh').description('Open a SSH connection to a virtual machine instance.').argument('<target>', '[user@]type/name[/namespace]'))
    .option('-c, --command <command>', 'a command to execute in the VM')
    .addHelpText('after', `\nExamples:\n  # Connect to 'testvmi':\n  ${ctx.programName} ssh jdoe@vmi/testvmi\n  # Connect to 'testvm' in 'mynamespace' and run a command:\n  ${ctx.programName} ssh jdoe@vm/testvm/mynamespace -c 'uname -a'\n`)
    .action(async (targetArg: string, flags: SshFlags & { command?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const session = await ctx.connect(globals);
      await session.api.close();
      const t = parseSshTarget(targetArg, session.namespace);
      await runLocalClient(ctx, 'ssh', sshArgs(ctx.selfCommand, globals, t, flags, ctx.env));
    });
}
