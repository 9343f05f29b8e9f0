/**
 * `virtctl guestosinfo|userlist|fslist VMI`: GET the guest agent's view of a VMI
 * (guestosinfo, userlist, filesystemlist subresources) and print it as indented JSON.
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext } from './api.js';
import { wrapError } from './errors.js';
import { withSession } from './flags.js';
import { subresourcePath } from './paths.js';

interface GuestQuery {
  readonly command: string;
  readonly sub: string;
  readonly description: string;
  readonly failure: string;
}

const QUERIES: readonly GuestQuery[] = [
  { command: 'guestosinfo', sub: 'guestosinfo', description: 'Return guest agent info about operating system.', failure: 'Error getting guestosinfo of VirtualMachineInstance' },
  { command: 'userlist', sub: 'userlist', description: 'Return full list of logged in users on a guest machine.', failure: 'Error listing users of VirtualMachineInstance' },
  { command: 'fslist', sub: 'filesystemlist', description: 'Return full list of filesystems available on the guest machine.', failure: 'Error listing filesystems of VirtualMachineInstance' },
];

/** The GET for one of the guest agent subresources. */
export function guestInfoRequest(sub: string, namespace: string, name: string): ApiRequest {
  return { method: 'GET', path: subresourcePath('vmi', namespace, name, sub) };
}

/** Adds `guestosinfo`, `userlist` and `fslist` to the CLI. */
export function registerGuestInfo(program: Command, ctx: CommandContext): void {
  for (const q of QUERIES) {
    program
      .command(q.command)
      .description(q.description)
      .argument('<vmi>', 'name of the VirtualMachineInstance')
      .addHelpText('after', `\nExamples:\n  # ${q.command} of a virtual machine instance called 'myvm':\n  ${ctx.programName} ${q.command} myvm\n`)
      .action(async (name: string, _flags: unknown, cmd: Command) => {
        const info = await withSession(ctx, cmd, async (s) => {
          try {
            return await s.api.json(guestInfoRequest(q.sub, s.namespace, name));
          } catch (err) {
            throw wrapError(`${q.failure} ${name}, `, err);
          }
        });
        ctx.term.stdout.write(`${JSON.stringify(info ?? {}, null, 2)}\n`);
      });
  }
}
