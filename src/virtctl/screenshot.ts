/**
 * `virtctl vnc screenshot VMI --file F [--move-cursor]`: GET .../vnc/screenshot?moveCursor=...
 * and write the PNG to F (`-` for stdout).
 */
import type { Command } from 'commander';
import type { ApiRequest, CommandContext } from './api.js';
import { VirtctlError, wrapError } from './errors.js';
import { withSession } from './flags.js';
import { subresourcePath } from './paths.js';

/** The screenshot request; moveCursor is always sent, as upstream's client sends it. */
export function screenshotRequest(namespace: string, name: string, moveCursor: boolean): ApiRequest {
  return { method: 'GET', path: subresourcePath('vmi', namespace, name, 'vnc/screenshot'), query: { moveCursor: String(moveCursor) } };
}

/** Adds `screenshot` under `vnc`. */
export function registerScreenshot(vnc: Command, ctx: CommandContext): void {
  vnc
    .command('screenshot')
    .description('Create a VNC screenshot of a virtual machine instance.')
    .argument('<vmi>', 'name of the VirtualMachineInstance')
    .requiredOption('-f, --file <file>', "where to store the VNC screenshot in PNG format; '-' for stdout")
    .option('-m, --move-cursor', 'move the cursor to wake up the screen in case of screensavers')
    .addHelpText(
      'after',
      `\nExamples:\n  # Take a VNC screenshot of 'testvmi' in png format:\n  ${ctx.programName} vnc screenshot testvmi -f screenshot.png\n`,
    )
    .action(async (name: string, flags: { file: string; moveCursor?: boolean }, cmd: Command) => {
      const png = await withSession(ctx, cmd, async (s) => {
        try {
          return await s.api.bytes(screenshotRequest(s.namespace, name, Boolean(flags.moveCursor)));
        } catch (err) {
          throw wrapError(`Can't access VMI ${name}: `, err);
        }
      });
      if (flags.file === '-') {
        ctx.term.stdout.write(png);
        return;
      }
      try {
        await ctx.writeFile(flags.file, png);
      } catch (err) {
        throw new VirtctlError(`Can't write image to a file: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    });
}
