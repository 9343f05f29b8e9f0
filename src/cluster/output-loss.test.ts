import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const child = (guard: boolean): string => `
${guard ? `const { tolerateOutputLoss } = await import(${JSON.stringify(new URL('./output-loss.ts', import.meta.url).href)}); tolerateOutputLoss();` : ''}
for (let i = 0; i < 40; i++) { console.log('line ' + i); console.error('line ' + i); await new Promise((r) => setTimeout(r, 5)); }
process.exitCode = 7;`;

test('writes to a stdout/stderr whose reader is gone no longer end the process', async () => {
  const cases: [boolean, number][] = [[false, 1], [true, 7]];
  for (const [guard, want] of cases) {
    const p = spawn(process.execPath, [...(guard ? ['--import', 'tsx'] : []), '--input-type=module', '-e', child(guard)], { stdio: ['ignore', 'pipe', 'pipe'] });
    await once(p.stdout, 'data');
    p.stdout.destroy();
    p.stderr.destroy();
    const [code] = (await once(p, 'exit')) as [number | null];
    assert.equal(code, want, guard ? 'guarded: runs to its end' : 'unguarded: dies on EPIPE');
  }
});
