/**
 * virt-launcher: one per VMI (src/virt-launcher/main.ts does the work). V8 flags are set before
 * the launcher's modules load, hence the dynamic import: the launcher is mostly idle, and without
 * the optimizing compiler its RSS is ~4 MiB lower (docs/benchmarks.md, launcher section). The
 * module is the build's one-file bundle when there is a fresh one (src/virt-launcher/bundle.ts):
 * loading one file instead of ~80 saves each launcher start ~70 ms CPU.
 */
import { setFlagsFromString } from 'node:v8';
import { launcherMainUrl } from '../virt-launcher/entry.js';

/** The V8 flags the launcher process runs with. */
export const LAUNCHER_V8_FLAGS = '--no-opt';

setFlagsFromString(LAUNCHER_V8_FLAGS);
const { main } = (await import(launcherMainUrl(new URL('../virt-launcher/', import.meta.url)).href)) as typeof import('../virt-launcher/main.js');
main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`virt-launcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
