/**
 * `virtctl stop VM [--grace-period N --force] [--dry-run]`: PUT .../virtualmachines/VM/stop with
 * StopOptions; a grace period is sent only together with --force, as upstream requires.
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext } from './api.js';
import { VirtctlError, wrapError } from './errors.js';
import { DRY_RUN_NOTICE, dryRunField, intArg, withSession } from './flags.js';
import { subresourcePath } from './paths.js';

/** --force/--grace-period as stop and restart take them. */
export interface ForceFlags {
  readonly force?: boolean;
  readonly gracePeriod?: number;
  readonly dryRun?: boolean;
}

/** The grace period to send, or undefined; rejects one flag without the other (upstream's rule). */
export function forcedGracePeriod(flags: ForceFlags): number | undefined {
  if ((flags.gracePeriod !== undefined) !== Boolean(flags.force)) throw new VirtctlError('Must both use --force=true and set --grace-period.');
  return flags.force ? flags.gracePeriod : undefined;
}

/** The stop request: `{}`, `{"gracePeriod":N}` and/or `{"dryRun":["All"]}` (StopOptions). */
export function stopRequest(namespace: string, name: string, flags: ForceFlags): ApiRequest {
  const grace = forcedGracePeriod(flags);
  return {
    method: 'PUT',
    path: subresourcePath('vm', namespace, name, 'stop'),
    body: { ...(grace !== undefined ? { gracePeriod: grace } : {}), ...dryRunField(flags.dryRun) },
  };
}

/** Adds the --force/--grace-period/--dry-run trio to stop or restart. */
export function addForceFlags(cmd: Command): Command {
  return cmd
    .option('--force', 'only used with --grace-period=0: immediately remove the VMI pod, bypassing graceful deletion')
    .option('--grace-period <seconds>', 'seconds given to the VMI to terminate gracefully (only 0 with --force is supported)', intArg(-1))
    .option('--dry-run', 'perform a dry run: the request is validated but nothing changes');
}

/** How stop and restart differ: the verb, the request, the error prefix (plain or forced). */
export interface ForcedVmAction {
  readonly verb: 'stop' | 'restart';
  readonly description: string;
  request(namespace: string, name: string, flags: ForceFlags): ApiRequest;
  failure(forced: boolean): string;
}

/** Adds a VM action taking --force/--grace-period/--dry-run (stop, restart) to the CLI. */
export function registerForcedVmAction(program: Command, ctx: CommandContext, a: ForcedVmAction): void {
  addForceFlags(program.command(a.verb).description(a.description).argument('<vm>', 'name of the VirtualMachine'))
    .addHelpText('after', `\nExamples:\n  # ${a.description.replace(/ a virtual machine\.$/, '')} a virtual machine called 'myvm':\n  ${ctx.programName} ${a.verb} myvm\n`)
    .action(async (name: string, flags: ForceFlags, cmd: Command) => {
      forcedGracePeriod(flags);
      if (flags.dryRun) ctx.term.stdout.write(DRY_RUN_NOTICE);
      await withSession(ctx, cmd, async (s) => {
        try {
          await s.api.json(a.request(s.namespace, name, flags));
        } catch (err) {
          throw wrapError(a.failure(Boolean(flags.force)), err);
        }
      });
      ctx.term.stdout.write(`VM ${name} was scheduled to ${a.verb}\n`);
    });
}

/** Adds `stop` to the CLI. */
export function registerStop(program: Command, ctx: CommandContext): void {
  registerForcedVmAction(program, ctx, {
    verb: 'stop',
    description: 'Stop a virtual machine.',
    request: stopRequest,
    failure: (forced) => (forced ? 'error force stopping VirtualMachine: ' : 'error stopping VirtualMachine '),
  });
}
