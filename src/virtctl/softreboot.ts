/**
 * `virtctl soft-reboot VMI`: PUT .../virtualmachineinstances/VMI/softreboot with no body (the
 * guest agent or ACPI reboots the guest; the VMI and its pod stay).
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext } from './api.js';
import { wrapError } from './errors.js';
import { withSession } from './flags.js';
import { subresourcePath } from './paths.js';

/** The soft-reboot request. */
export function softRebootRequest(namespace: string, name: string): ApiRequest {
  return { method: 'PUT', path: subresourcePath('vmi', namespace, name, 'softreboot') };
}

/** Adds `soft-reboot` to the CLI. */
export function registerSoftReboot(program: Command, ctx: CommandContext): void {
  program
    .command('soft-reboot')
    .description('Soft reboot a virtual machine instance.')
    .argument('<vmi>', 'name of the VirtualMachineInstance')
    .addHelpText('after', `\nExamples:\n  # Soft reboot a virtualmachineinstance called 'myvmi':\n  ${ctx.programName} soft-reboot myvmi\n`)
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      await withSession(ctx, cmd, async (s) => {
        try {
          await s.api.json(softRebootRequest(s.namespace, name));
        } catch (err) {
          throw wrapError(`Error soft rebooting VirtualMachineInstance ${name}: `, err);
        }
      });
      ctx.term.stdout.write(`VMI ${name} was scheduled to soft-reboot\n`);
    });
}
