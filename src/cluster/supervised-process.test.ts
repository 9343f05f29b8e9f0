import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcess } from './supervised-process.js';

// A repository with one command that says it is ready, then waits for SIGTERM.
const repo = mkdtempSync(join(tmpdir(), 'kvts-sup-'));
mkdirSync(join(repo, 'src/cmd'), { recursive: true });
symlinkSync(join(process.cwd(), 'node_modules'), join(repo, 'node_modules'));
writeFileSync(join(repo, 'src/cmd/fake.ts'), `console.log('fake: ready ' + process.argv.slice(2).join(' '));
const t = setInterval(() => {}, 1000);
process.once('SIGTERM', () => { console.log('fake: terminating'); clearInterval(t); });
`);
after(() => rmSync(repo, { recursive: true, force: true }));

const exited = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a supervised process is restarted after kill -9 and not after stop', { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const p = new SupervisedProcess({ label: 'fake(a)', command: 'fake', args: ['--x', '1'], repoDir: repo, ready: (l) => l.startsWith('fake: ready'), log: (l) => lines.push(l), restartDelayMs: 100 });
  await p.start();
  assert.ok(lines.includes('fake(a): fake: ready --x 1'), lines.join('\n'));
  const first = p.pid;
  assert.ok(first);
  process.kill(first, 'SIGKILL');
  await until('a second start', () => p.starts === 2 && lines.filter((l) => l.includes('ready')).length === 2);
  assert.ok(lines.some((l) => l === 'fake(a): exited (SIGKILL); restarting in 100 ms'), lines.join('\n'));
  const second = p.pid;
  assert.ok(second && second !== first);
  await p.stop();
  assert.ok(exited(second));
  // The child's last output line may be read after its exit event: wait for it rather than race it.
  await until('the child to log its SIGTERM', () => lines.includes('fake(a): fake: terminating'));
  await new Promise((r) => setTimeout(r, 300)); // longer than the restart delay: no restart may follow
  assert.equal(p.starts, 2);
  assert.equal(p.pid, undefined);
});
