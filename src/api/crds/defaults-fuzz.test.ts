import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { StatusError } from '../meta/index.js';
import type { VirtualMachineInstance } from '../kubevirt/index.js';
import { clusterConfigFromKubeVirt, DEFAULT_CLUSTER_CONFIG, defaultVMI } from '../kubevirt/defaults/index.js';
import { checkAgainstCrd } from './schema-check.js';
import { prng } from '../../../test/fixtures/prng.js';

const dir = new URL('../../../examples/', import.meta.url).pathname;
const NOW = '2026-01-01T00:00:00Z';

/** Every [container, key] pair inside `obj`. */
function slots(obj: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): [Record<string, unknown> | unknown[], string | number][] {
  if (Array.isArray(obj)) {
    obj.forEach((v, i) => {
      out.push([obj, i]);
      slots(v, out);
    });
  } else if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      out.push([obj as Record<string, unknown>, k]);
      slots(v, out);
    }
  }
  return out;
}

const STRINGS = ['', '0', '1', 'abc', '1Gi', '100m', '2Mi', '-1', 'virtio', 'sata', 'default', 'img:latest', '3.5G'];
const NUMBERS = [0, 1, -1, 7, 4096, 2 ** 31];

/** A same-typed replacement for a leaf (so most variations stay schema-valid), or undefined to delete it. */
function mutate(v: unknown, rand: () => number): unknown {
  if (rand() < 0.5) return undefined;
  if (typeof v === 'string') return STRINGS[Math.floor(rand() * STRINGS.length)];
  if (typeof v === 'number') return NUMBERS[Math.floor(rand() * NUMBERS.length)];
  if (typeof v === 'boolean') return !v;
  return undefined;
}

const seeds: VirtualMachineInstance[] = readdirSync(dir)
  .filter((f) => f.startsWith('vmi-'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as VirtualMachineInstance))
  .filter((o) => o.kind === 'VirtualMachineInstance');

const configs = [
  DEFAULT_CLUSTER_CONFIG,
  clusterConfigFromKubeVirt({ spec: { configuration: { developerConfiguration: { memoryOvercommit: 150 }, cpuRequest: '300m', vmRolloutStrategy: 'Stage' } } }),
  clusterConfigFromKubeVirt({ spec: { configuration: { network: { defaultNetworkInterface: 'bridge', permitBridgeInterfaceOnPodNetwork: false } } } }),
];

test('schema-valid variations of the examples default without crashing, stay valid, and are idempotent', () => {
  const rand = prng(Number(process.env['FUZZ_SEED'] ?? 42));
  let checked = 0;
  for (let i = 0; i < 600; i++) {
    const vmi = structuredClone(seeds[i % seeds.length]!);
    for (let cut = 0; cut < 1 + Math.floor(rand() * 3); cut++) {
      const all = slots(vmi.spec);
      const pick = all[Math.floor(rand() * all.length)];
      if (!pick) break;
      const [container, key] = pick;
      const current = (container as Record<string | number, unknown>)[key];
      const replacement = mutate(current, rand);
      if (replacement !== undefined) (container as Record<string | number, unknown>)[key] = replacement;
      else if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    }
    if (checkAgainstCrd(vmi).length > 0) continue;
    const config = configs[i % configs.length]!;
    let out: VirtualMachineInstance;
    try {
      out = defaultVMI(vmi, config, { now: NOW }).object;
    } catch (e) {
      assert.ok(e instanceof StatusError, `only StatusErrors may escape: ${String(e)} for ${JSON.stringify(vmi.spec)}`);
      continue;
    }
    assert.deepEqual(checkAgainstCrd(out), [], JSON.stringify(vmi.spec));
    assert.deepEqual(defaultVMI(out, config, { now: NOW }).object, out, JSON.stringify(vmi.spec));
    checked++;
  }
  assert.ok(checked > 100, `only ${checked} variations were schema-valid`);
});
