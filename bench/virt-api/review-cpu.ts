/**
 * virt-api's CPU per admission review, without a cluster: the built server of `--root` (dist/, as
 * `up` runs it) in its own process with in-memory deps; this process sends the reviews a VMI POST
 * (mutate + validate create) and a label PUT (mutate + validate update) cause, over one keep-alive
 * HTTPS connection per concurrent caller, and reads the server's CPU time from /proc. Prints the
 * first `--cold` reviews of each kind (code not yet optimised) and the rest separately.
 * `--pre N` first sends N reviews that exercise only the transport (mutate UPDATE). `--source` runs src/ through tsx.
 * Usage: node --import tsx bench/virt-api/review-cpu.ts [--root DIR] [--source] [--n 400] [--cold 50] [--concurrency 8] [--pre N] [--prof DIR]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const root = resolve(arg('root', process.cwd()));
const n = Number(arg('n', '400'));
const cold = Number(arg('cold', '50'));
const concurrency = Number(arg('concurrency', '8'));
const prof = process.argv.includes('--prof') ? arg('prof', '') : '';
const source = process.argv.includes('--source');

const CLK_TCK = 100;
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1000;
}

const mod = (p: string): string => JSON.stringify(new URL(`file://${join(root, source ? `src/${p}.ts` : `dist/${p}.js`)}`).href);
const script = `
const { createVirtApiServer, listen } = await import(${mod('virt-api/server')});
const { selfSignedServingCert } = await import(${mod('virt-api/serving-cert')});
const { DEFAULT_CLUSTER_CONFIG } = await import(${mod('api/kubevirt/defaults/index')});
${prof ? `const { startCpuProfile } = await import(${mod('common/cpu-profile')}); const stop = await startCpuProfile('virt-api-bench', ${JSON.stringify(prof)});` : 'const stop = async () => {};'}
const deps = {
  config: () => DEFAULT_CLUSTER_CONFIG,
  kubevirtServiceAccounts: ['system:serviceaccount:kubevirt:kubevirt-controller', 'system:serviceaccount:kubevirt:kubevirt-handler'],
  getVMI: async () => undefined, listMigrations: async () => [], listPresets: async () => [], listLimitRanges: async () => [],
};
const cert = await selfSignedServingCert(['localhost', '127.0.0.1']);
const server = createVirtApiServer({ ...cert, deps, onError: (e) => console.error(e) });
const port = await listen(server, 0, '127.0.0.1');
console.log(JSON.stringify({ port, ca: cert.certPem }));
process.on('SIGTERM', () => { void stop().then(() => process.exit(0)); });
`;
const child = spawn(process.execPath, [...(source ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
const first = await new Promise<string>((res, rej) => {
  createInterface({ input: child.stdout }).once('line', res);
  child.once('exit', (code) => rej(new Error(`server exited ${code}`)));
});
const { port, ca } = JSON.parse(first) as { port: number; ca: string };

const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
function post(path: string, body: string): Promise<Record<string, unknown>> {
  return new Promise((res, rej) => {
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path, ca, servername: 'localhost', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>));
    });
    req.on('error', rej);
    req.end(body);
  });
}

const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
/** A VMI as the API server hands it to admission on create (server-set metadata, managed fields). */
function createdVMI(k: number): Record<string, unknown> {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name: `v${k}`, namespace: 'bench', uid: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`, generation: 1, creationTimestamp: now,
      managedFields: [{ manager: 'kubevirt-ts', operation: 'Update', apiVersion: 'kubevirt.io/v1', time: now, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {}, 'f:domain': { '.': {}, 'f:devices': { '.': {}, 'f:disks': {} }, 'f:resources': { '.': {}, 'f:requests': { '.': {}, 'f:cpu': {}, 'f:memory': {} } } }, 'f:nodeSelector': {}, 'f:terminationGracePeriodSeconds': {}, 'f:volumes': {} } } }],
    },
    spec: {
      domain: { devices: { disks: [{ name: 'scratch', disk: { bus: 'virtio' } }] }, resources: { requests: { memory: '64Mi', cpu: '50m' } } },
      terminationGracePeriodSeconds: 5,
      volumes: [{ name: 'scratch', emptyDisk: { capacity: '16Mi' } }],
      nodeSelector: { 'bench.kubevirt-ts.io/none': 'none' },
    },
  };
}
let uid = 0;
const review = (operation: 'CREATE' | 'UPDATE', object: unknown, oldObject: unknown = null) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: `r${++uid}`, kind: { group: 'kubevirt.io', version: 'v1', kind: 'VirtualMachineInstance' }, resource: { group: 'kubevirt.io', version: 'v1', resource: 'virtualmachineinstances' },
      requestKind: { group: 'kubevirt.io', version: 'v1', kind: 'VirtualMachineInstance' }, requestResource: { group: 'kubevirt.io', version: 'v1', resource: 'virtualmachineinstances' },
      name: (object as { metadata: { name: string } }).metadata.name, namespace: 'bench', operation,
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object, oldObject, dryRun: false, options: { apiVersion: 'meta.k8s.io/v1', kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions' },
    },
  });

/** Applies a JSONPatch of `add`/`replace` operations (what the mutator answers) to a copy of `doc`. */
function applyPatch(doc: Record<string, unknown>, b64: string | undefined): Record<string, unknown> {
  const out = structuredClone(doc);
  if (!b64) return out;
  for (const op of JSON.parse(Buffer.from(b64, 'base64').toString()) as { op: string; path: string; value: unknown }[]) {
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let at = out;
    for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
    const last = parts[parts.length - 1]!;
    if (Array.isArray(at) && last === '-') (at as unknown[]).push(op.value);
    else at[last] = op.value;
  }
  return out;
}

const PATHS = { mutate: '/virtualmachineinstances-mutate', create: '/virtualmachineinstances-validate-create', update: '/virtualmachineinstances-validate-update' };
const results: Record<string, { cold: number[]; warm: number[] }> = {};
/** Runs ops[i] for every i, `concurrency` at a time; CPU of the server per op for the first `cold` and the rest. */
async function measure(name: string, count: number, op: (i: number) => Promise<unknown>): Promise<void> {
  const r = (results[name] ??= { cold: [], warm: [] });
  const run = async (from: number, to: number) => {
    const c0 = cpuMs(child.pid!);
    for (let s = from; s < to; s += concurrency) await Promise.all(Array.from({ length: Math.min(concurrency, to - s) }, (_, k) => op(s + k)));
    await new Promise((res) => setTimeout(res, 300));
    return (cpuMs(child.pid!) - c0) / (to - from);
  };
  r.cold.push(await run(0, Math.min(cold, count)));
  if (count > cold) r.warm.push(await run(cold, count));
}

const pre = Number(arg('pre', '0'));
if (pre > 0) await measure('transport only', pre, (i) => post(PATHS.mutate, review('UPDATE', createdVMI(i), createdVMI(i))));
const created: Record<string, unknown>[] = [];
const defaulted: Record<string, unknown>[] = [];
await measure('mutate CREATE', n, async (i) => {
  const vmi = createdVMI(i);
  created[i] = vmi;
  const out = await post(PATHS.mutate, review('CREATE', vmi));
  defaulted[i] = applyPatch(vmi, (out.response as { patch?: string }).patch);
});
await measure('validate CREATE', n, async (i) => {
  const out = await post(PATHS.create, review('CREATE', defaulted[i]));
  if ((out.response as { allowed: boolean }).allowed !== true) throw new Error(`denied: ${JSON.stringify(out.response)}`);
});
const labelled = (v: Record<string, unknown>) => {
  const m = v.metadata as Record<string, unknown>;
  return { ...v, metadata: { ...m, resourceVersion: '12', labels: { ...(m.labels as object), put: 'yes' } } };
};
await measure('mutate UPDATE', n, (i) => post(PATHS.mutate, review('UPDATE', labelled(defaulted[i]!), defaulted[i])));
await measure('validate UPDATE', n, async (i) => {
  const out = await post(PATHS.update, review('UPDATE', labelled(defaulted[i]!), defaulted[i]));
  if ((out.response as { allowed: boolean }).allowed !== true) throw new Error(`denied: ${JSON.stringify(out.response)}`);
});
agent.destroy();
child.kill('SIGTERM');
await new Promise((res) => child.once('exit', res));
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(16)} server CPU ms per review: first ${cold} ${r.cold.map((x) => x.toFixed(2)).join(' ')}, rest ${r.warm.map((x) => x.toFixed(2)).join(' ')}`);
}
