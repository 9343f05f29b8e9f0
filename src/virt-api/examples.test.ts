import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { reviewAdmission } from './review.js';
import { WEBHOOK_PATHS } from './handlers.js';
import { memoryDeps, reviewFor } from './testing.js';
import { applyJSONPatch, type JSONPatchOperation } from '../api/kubevirt/defaults/index.js';
import { validVMI } from '../api/validation/testing.js';

const dir = new URL('../../examples/', import.meta.url).pathname;
const ROUTES: Record<string, [mutate: string | undefined, validate: string]> = {
  VirtualMachineInstance: [WEBHOOK_PATHS.vmiMutate, WEBHOOK_PATHS.vmiCreate],
  VirtualMachine: [WEBHOOK_PATHS.vmMutate, WEBHOOK_PATHS.vm],
  VirtualMachineInstanceReplicaSet: [undefined, WEBHOOK_PATHS.replicaSet],
  VirtualMachineInstancePreset: [undefined, WEBHOOK_PATHS.preset],
  VirtualMachineInstanceMigration: [WEBHOOK_PATHS.migrationMutate, WEBHOOK_PATHS.migrationCreate],
};

test('every example manifest passes the mutating then the validating webhook', async () => {
  const docs = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => ({ file, obj: d.toJS() as { kind: string; metadata?: { namespace?: string } } })));
  const migrationTargets = docs.filter((d) => d.obj.kind === 'VirtualMachineInstanceMigration').map((d) => (d.obj as unknown as { spec: { vmiName: string } }).spec.vmiName);
  const deps = memoryDeps({ vmis: migrationTargets.map((name) => validVMI((v) => { v.metadata = { name, namespace: 'default' }; v.status = { phase: 'Running' }; })) });
  let checked = 0;
  for (const { file, obj } of docs) {
    const route = ROUTES[obj.kind];
    if (!route) continue;
    obj.metadata = { namespace: 'default', ...(obj.metadata ?? {}) };
    let current: unknown = obj;
    if (route[0]) {
      const m = (await reviewAdmission(route[0], reviewFor(current), deps)).response!;
      assert.equal(m.allowed, true, `${file}: mutate: ${m.status?.message ?? ''}`);
      if (m.patch) current = applyJSONPatch(current, JSON.parse(Buffer.from(m.patch, 'base64').toString()) as JSONPatchOperation[]);
    }
    const v = (await reviewAdmission(route[1], reviewFor(current), deps)).response!;
    assert.equal(v.allowed, true, `${file}: validate: ${v.status?.message ?? ''}`);
    checked++;
  }
  assert.ok(checked >= 12, `only ${checked} examples checked`);
});
