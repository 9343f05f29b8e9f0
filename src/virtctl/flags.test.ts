// Cobra-style boolean spellings, kubeconfig/namespace resolution, and the kubectl plugin name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeBooleanFlags } from './flags.js';
import { loadKubeConfig, resolveNamespace } from './kubeconfig.js';
import { programNameFor } from './cli.js';

test('--flag=true and --flag=false become commander spellings for known booleans only', () => {
  const booleans = new Set(['--force', '--stdio', '--infer-preference', '--no-infer-preference']);
  const table: [string[], string[]][] = [
    [['--force=true', 'x'], ['--force', 'x']],
    [['--force=false', 'x'], ['x']],
    [['--stdio=TRUE'], ['--stdio']],
    [['--infer-preference=false'], ['--no-infer-preference']],
    [['--grace-period=0'], ['--grace-period=0']],
    [['--', '--force=true'], ['--', '--force=true']],
  ];
  for (const [input, want] of table) assert.deepEqual(normalizeBooleanFlags(input, booleans), want, input.join(' '));
});

test('programNameFor: kubectl-virt runs as "kubectl virt"', () => {
  assert.equal(programNameFor('/usr/local/bin/kubectl-virt'), 'kubectl virt');
  assert.equal(programNameFor('/x/bin/kubectl-virt.js'), 'kubectl virt');
  assert.equal(programNameFor('/x/bin/virtctl.js'), 'virtctl');
});

test('kubeconfig: --context selects a context and its namespace; --namespace wins; unknown contexts fail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtctl-kc-'));
  try {
    const file = join(dir, 'config');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters:
- {name: c, cluster: {server: 'https://127.0.0.1:6443'}}
users:
- {name: u, user: {token: abc}}
contexts:
- {name: one, context: {cluster: c, user: u}}
- {name: two, context: {cluster: c, user: u, namespace: team}}
current-context: one
`,
    );
    assert.deepEqual(resolveNamespace(loadKubeConfig({ kubeconfig: file }), {}), { namespace: 'default', overridden: false });
    assert.deepEqual(resolveNamespace(loadKubeConfig({ kubeconfig: file, context: 'two' }), { context: 'two' }), { namespace: 'team', overridden: false });
    assert.deepEqual(resolveNamespace(loadKubeConfig({ kubeconfig: file, context: 'two' }), { namespace: 'mine' }), { namespace: 'mine', overridden: true });
    assert.throws(() => loadKubeConfig({ kubeconfig: file, context: 'three' }), /context was not found for specified context: three/);
    assert.throws(() => loadKubeConfig({ kubeconfig: join(dir, 'missing') }), /cannot load kubeconfig/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
