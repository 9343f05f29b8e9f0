/**
 * The launcher's one-file build: bundles dist/virt-launcher/main.js and everything it imports into
 * dist/virt-launcher/main.bundle.js (entry.ts picks it). Node 20's ESM loader costs about 1 ms CPU
 * per module and a launcher, started once per VM, loads ~80 of them: ~0.1 s CPU, ~0.03 s bundled.
 * Run after tsc (`npm run build`); without esbuild (installed with tsx) no bundle is made and the
 * launcher loads main.js as before.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAUNCHER_BUNDLE } from './entry.js';

/** esbuild's build(), the only part used (typed here: esbuild is not a direct dependency). */
type EsbuildBuild = (opts: Record<string, unknown>) => Promise<{ errors: unknown[]; warnings: unknown[] }>;

// CommonJS dependencies bundled into an ES module need a require() for node's builtins.
const BANNER = "import { createRequire as __kvtsCreateRequire } from 'node:module'; const require = __kvtsCreateRequire(import.meta.url);";

/** Bundles `entry` (a .js or .ts module) into `outfile`; false when esbuild is not installed. */
export async function bundleLauncher(entry: string, outfile: string): Promise<boolean> {
  let build: EsbuildBuild;
  const esbuild = 'esbuild'; // by name, so that type-checking never needs it installed
  try {
    ({ build } = (await import(esbuild)) as { build: EsbuildBuild });
  } catch {
    return false;
  }
  rmSync(outfile, { force: true });
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    sourcemap: 'linked', logLevel: 'warning', banner: { js: BANNER },
  });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = new URL('./', import.meta.url);
  const out = fileURLToPath(new URL(LAUNCHER_BUNDLE, dir));
  bundleLauncher(fileURLToPath(new URL('main.js', dir)), out).then((made) => {
    process.stderr.write(made ? '' : `virt-launcher bundle: esbuild not installed; the launcher loads main.js (${out} not made)\n`);
  }, (err: unknown) => {
    process.stderr.write(`virt-launcher bundle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
