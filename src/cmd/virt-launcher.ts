/**
 * virt-launcher: one per VMI (src/virt-launcher/main.ts does the work). V8 flags are set before
 * the launcher's modules load, hence the dynamic import: the launcher is mostly idle, and without
 * the optimizing compiler its RSS is ~4 MiB lower (docs/benchmarks.md, launcher section).
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flags the launcher process runs with. */
export const LAUNCHER_V8_FLAGS = '--no-opt';

setFlagsFromString(LAUNCHER_V8_FLAGS);
const { main } = await import('../virt-launcher/main.js');
main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`virt-launcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
