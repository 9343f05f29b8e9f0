/**
 * `virtctl start VM [--paused] [--dry-run]`: PUT .../virtualmachines/VM/start with StartOptions.
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext } from './api.js';
import { wrapError } from './errors.js';
import { DRY_RUN_NOTICE, dryRunField, withSession } from './flags.js';
import { subresourcePath } from './paths.js';

export interface StartFlags {
  readonly paused?: boolean;
  readonly dryRun?: boolean;
}

/** The start request: body `{}`, `{"paused":true}` and/or `{"dryRun":["All"]}` (StartOptions). */
export function startRequest(namespace: string, name: string, flags: StartFlags): ApiRequest {
  return {
    method: 'PUT',
    path: subresourcePath('vm', namespace, name, 'start'),
    body: { ...(flags.paused ? { paused: true } : {}), ...dryRunField(flags.dryRun) },
  };
}

/** Adds `start` to the CLI. */
export function registerStart(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description('Start a virtual machine.')
    .argument('<vm>', 'name of the VirtualMachine')
    .option('--paused', 'start the virtual machine in paused state')
    .option('--dry-run', 'perform a dry run: the request is validated but nothing changes')
    .addHelpText('after', `\nExamples:\n  # Start a virtual machine called 'myvm':\n  ${ctx.programName} start myvm\n`)
    .action(async (name: string, flags: StartFlags, cmd: Command) => {
      if (flags.dryRun) ctx.term.stdout.write(DRY_RUN_NOTICE);
      await withSession(ctx, cmd, async (s) => {
        try {
          await s.api.json(startRequest(s.namespace, name, flags));
        } catch (err) {
          throw wrapError('Error starting VirtualMachine ', err);
        }
      });
      ctx.term.stdout.write(`VM ${name} was scheduled to start\n`);
    });
}
