import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_FAILURE_PREFIX, reviewAdmission } from './review.js';
import { WEBHOOK_PATHS } from './handlers.js';
import { memoryDeps, reviewFor } from './testing.js';
import { validVMI } from '../api/validation/testing.js';
import type { AdmissionReview } from './admission.js';

/** mulberry32: a small seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const SEEDS: { path: string; obj: () => Json }[] = [
  { path: WEBHOOK_PATHS.vmiMutate, obj: () => validVMI() as unknown as Json },
  { path: WEBHOOK_PATHS.vmiCreate, obj: () => validVMI() as unknown as Json },
  { path: WEBHOOK_PATHS.vmMutate, obj: () => ({ kind: 'VirtualMachine', metadata: { name: 'vm' }, spec: { runStrategy: 'Always', template: { spec: validVMI().spec } } }) as unknown as Json },
  { path: WEBHOOK_PATHS.vm, obj: () => ({ kind: 'VirtualMachine', metadata: { name: 'vm' }, spec: { runStrategy: 'Always', template: { spec: validVMI().spec } } }) as unknown as Json },
  { path: WEBHOOK_PATHS.replicaSet, obj: () => ({ kind: 'VirtualMachineInstanceReplicaSet', spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: validVMI().spec } } }) as unknown as Json },
  { path: WEBHOOK_PATHS.preset, obj: () => ({ kind: 'VirtualMachineInstancePreset', spec: { selector: {}, domain: validVMI().spec.domain } }) },
  { path: WEBHOOK_PATHS.migrationCreate, obj: () => ({ kind: 'VirtualMachineInstanceMigration', metadata: { name: 'm', namespace: 'default' }, spec: { vmiName: 'testvmi' } }) },
  { path: WEBHOOK_PATHS.migrationMutate, obj: () => ({ kind: 'VirtualMachineInstanceMigration', metadata: { name: 'm' }, spec: { vmiName: 'testvmi' } }) },
];
const ODD_VALUES: Json[] = [null, 0, -1, 1.5, 65537, '', 'x', '-1Gi', 'ide', '../..', true, [], {}, [null], { a: 1 }, 'a'.repeat(3000)];

/** Every container (object or array) in `v`, with the keys it holds. */
function containers(v: Json, out: (Json[] | { [k: string]: Json })[] = []): (Json[] | { [k: string]: Json })[] {
  if (v !== null && typeof v === 'object') {
    out.push(v);
    for (const c of Array.isArray(v) ? v : Object.values(v)) containers(c, out);
  }
  return out;
}

function mutate(doc: Json, rand: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const odd = (): Json => structuredClone(pick(ODD_VALUES));
  const rounds = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < rounds; i++) {
    const c = pick(containers(doc));
    if (Array.isArray(c)) {
      if (c.length === 0) c.push(odd());
      else if (rand() < 0.5) c.push(structuredClone(pick(c)));
      else c[Math.floor(rand() * c.length)] = odd();
      continue;
    }
    const keys = Object.keys(c);
    if (keys.length === 0 || rand() < 0.15) {
      c[pick(['name', 'bus', 'disk', 'cdrom', 'masquerade', 'pod', 'bootOrder', 'serial', 'hostDisk', 'memory', 'cpu'])] = odd();
      continue;
    }
    const k = pick(keys);
    const r = rand();
    if (r < 0.35) delete c[k];
    else if (r < 0.7) c[k] = odd();
    else c[k] = structuredClone(c[pick(keys)]!);
  }
}

function assertWellFormed(review: AdmissionReview, uid: string, label: string): void {
  assert.equal(review.apiVersion, 'admission.k8s.io/v1', label);
  assert.equal(review.kind, 'AdmissionReview', label);
  const r = review.response!;
  assert.equal(r.uid, uid, label);
  assert.equal(typeof r.allowed, 'boolean', label);
  if (r.allowed) {
    if (r.patch !== undefined) {
      assert.equal(r.patchType, 'JSONPatch', label);
      assert.ok(Array.isArray(JSON.parse(Buffer.from(r.patch, 'base64').toString())), label);
    }
    return;
  }
  assert.ok(r.status && [400, 422].includes(r.status.code!), label);
  assert.equal(typeof r.status.message, 'string', label);
  assert.ok(!r.status.message!.startsWith(INTERNAL_FAILURE_PREFIX), `${label}: ${r.status.message}`);
  for (const c of r.status.details?.causes ?? []) assert.equal(typeof c.message, 'string', label);
}

test('thousands of mutated objects always get a well-formed AdmissionResponse', async () => {
  const rand = prng(Number(process.env.FUZZ_SEED ?? 0x5eed));
  const deps = memoryDeps({ vmis: [validVMI((v) => (v.status = { phase: 'Running' }))] });
  const deadline = Date.now() + 15_000;
  let n = 0;
  for (; n < 3000 && Date.now() < deadline; n++) {
    const seed = SEEDS[Math.floor(rand() * SEEDS.length)]!;
    const obj = seed.obj();
    mutate(obj, rand);
    const body = reviewFor(obj, rand() < 0.8 ? 'CREATE' : 'UPDATE', rand() < 0.5 ? seed.obj() : obj);
    const uid = (body.request as { uid: string }).uid;
    assertWellFormed(await reviewAdmission(seed.path, body, deps), uid, `case ${n} on ${seed.path}: ${JSON.stringify(obj).slice(0, 400)}`);
  }
  assert.ok(n >= 500, `only ${n} cases ran before the deadline`);
});
