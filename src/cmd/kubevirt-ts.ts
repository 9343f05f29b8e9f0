/**
 * The kubevirt-ts command: parses flags and calls the subcommand's run function.
 */
import { buildCli } from './kubevirt-ts-cli.js';

/** Entry point. */
export async function main(argv: readonly string[]): Promise<void> {
  await buildCli().parseAsync([...argv]);
}

main(process.argv).catch((err: unknown) => {
  console.error(`kubevirt-ts: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
