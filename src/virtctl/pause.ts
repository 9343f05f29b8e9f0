/**
 * `virtctl pause vm|vmi NAME` and `virtctl unpause vm|vmi NAME` [--dry-run]: PUT
 * .../virtualmachineinstances/NAME/{pause|unpause}. A VM's instance carries the VM's name, so
 * both kinds address the VMI subresource, as upstream does.
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext } from './api.js';
import { wrapError } from './errors.js';
import { DRY_RUN_NOTICE, dryRunField, withSession } from './flags.js';
import { normalizeKind, subresourcePath } from './paths.js';

export type PauseVerb = 'pause' | 'unpause';

/** The pause/unpause request for `vm|vmi NAME` (PauseOptions/UnpauseOptions body). */
export function pauseRequest(verb: PauseVerb, namespace: string, kind: string, name: string, dryRun?: boolean): ApiRequest {
  normalizeKind(kind);
  return { method: 'PUT', path: subresourcePath('vmi', namespace, name, verb), body: dryRunField(dryRun) };
}

function register(program: Command, ctx: CommandContext, verb: PauseVerb): void {
  const title = verb === 'pause' ? 'Pause' : 'Unpause';
  program
    .command(verb)
    .summary(`${title} a virtual machine.`)
    .description(`${title} a virtual machine.\nThe first argument is the resource type: virtualmachine (vm) or virtualmachineinstance (vmi), case insensitive, singular or plural.`)
    .argument('<type>', 'vm or vmi')
    .argument('<name>', 'name of the resource')
    .option('--dry-run', 'perform a dry run: the request is validated but nothing changes')
    .addHelpText('after', `\nExamples:\n  # ${title} a virtual machine called 'myvm':\n  ${ctx.programName} ${verb} vm myvm\n`)
    .action(async (kind: string, name: string, flags: { dryRun?: boolean }, cmd: Command) => {
      normalizeKind(kind);
      if (flags.dryRun) ctx.term.stdout.write(DRY_RUN_NOTICE);
      await withSession(ctx, cmd, async (s) => {
        try {
          await s.api.json(pauseRequest(verb, s.namespace, kind, name, flags.dryRun));
        } catch (err) {
          throw wrapError(`Error ${verb === 'pause' ? 'pausing' : 'unpausing'} VirtualMachineInstance ${name}: `, err);
        }
      });
      ctx.term.stdout.write(`VMI ${name} was scheduled to ${verb}\n`);
    });
}

/** Adds `pause` and `unpause` to the CLI. */
export function registerPause(program: Command, ctx: CommandContext): void {
  register(program, ctx, 'pause');
  register(program, ctx, 'unpause');
}
