import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launcherMainUrl } from './entry.js';

test('the launcher loads its bundle only when the build made it after main.js', () => {
  const dir = new URL('file:///repo/dist/virt-launcher/');
  const cases: { name: string; main?: number; bundle?: number; want: string }[] = [
    { name: 'fresh bundle', main: 100, bundle: 200, want: 'main.bundle.js' },
    { name: 'same build second', main: 100, bundle: 100, want: 'main.bundle.js' },
    { name: 'main.js rebuilt by tsc alone: stale bundle', main: 300, bundle: 200, want: 'main.js' },
    { name: 'no bundle (no esbuild)', main: 100, want: 'main.js' },
  ];
  for (const c of cases) {
    const mtime = (u: URL): number | undefined => (u.pathname.endsWith('/main.js') ? c.main : u.pathname.endsWith('/main.bundle.js') ? c.bundle : undefined);
    assert.equal(launcherMainUrl(dir, mtime).href, new URL(c.want, dir).href, c.name);
  }
});
