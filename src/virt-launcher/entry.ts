/**
 * Which module runs the launcher: the one-file bundle (bundle.ts) when the build made it after
 * tsc's main.js, else main.js itself. A stale bundle (main.js rebuilt by tsc alone) is never used.
 */
import { statSync } from 'node:fs';

/** The bundle's file name beside main.js in dist/virt-launcher/. */
export const LAUNCHER_BUNDLE = 'main.bundle.js';

const mtimeOf = (url: URL): number | undefined => {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
};

/** The launcher's main module under `dir` (dist/virt-launcher/): the bundle when it is not older than main.js. */
export function launcherMainUrl(dir: URL, mtime: (url: URL) => number | undefined = mtimeOf): URL {
  const main = new URL('main.js', dir);
  const bundle = new URL(LAUNCHER_BUNDLE, dir);
  const b = mtime(bundle);
  const m = mtime(main);
  return b !== undefined && (m === undefined || b >= m) ? bundle : main;
}
