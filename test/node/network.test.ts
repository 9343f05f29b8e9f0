// End-to-end pod network: two "nodes" (bridges kvts-br250/251) with two pods each, TCP echo
// between the pods' namespaces on one node and across nodes, then teardown leaving nothing.
// Needs root (network namespaces); skipped with a message otherwise. Traffic stays inside the
// namespaces and bridges the test creates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodNetwork, podNames, type PodNetworkResult } from '../../src/cluster/network/index.js';
import { until } from '../fixtures/wait.js';

const IP = '/usr/sbin/ip';
const NFT = '/usr/sbin/nft';

function canUseNetns(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  const probe = `kvts-probe-${process.pid}`;
  try {
    execFileSync(IP, ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync(IP, ['netns', 'del', probe], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `cannot create network namespaces: ${(e as Error).message}`;
  }
}

const ECHO_SERVER = `
const net = require('node:net');
const srv = net.createServer((s) => s.pipe(s)).listen(7777, process.argv[1], () => console.log('ready'));
setTimeout(() => process.exit(0), 30000).unref();
process.on('SIGTERM', () => srv.close(() => process.exit(0)));
`;

const ECHO_CLIENT = `
const net = require('node:net');
const one = (ip) => new Promise((resolve) => {
  const s = net.connect({ host: ip, port: 7777, timeout: 3000 }, () => s.write('hi ' + ip));
  s.once('data', (d) => { s.destroy(); resolve(d.toString()); });
  s.once('timeout', () => { s.destroy(); resolve('timeout'); });
  s.once('error', (e) => resolve('error ' + e.code));
});
Promise.all(process.argv.slice(1).map(one)).then((r) => console.log(JSON.stringify(r)));
`;

function inNetns(netns: string, script: string, args: string[]): ChildProcess {
  return spawn(IP, ['netns', 'exec', netns, process.execPath, '-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function output(child: ChildProcess): { text: () => string; exited: Promise<void> } {
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (text += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (text += s));
  return { text: () => text, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
}

async function leftovers(uids: readonly string[], bridges: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const netns: string[] = await readdir('/run/netns').catch(() => []);
  const links = await readdir('/sys/class/net');
  for (const uid of uids) {
    const n = podNames(uid);
    if (netns.includes(n.netns)) found.push(n.netns);
    if (links.includes(n.hostVeth)) found.push(n.hostVeth);
  }
  for (const br of bridges) if (links.includes(br)) found.push(br);
  return found;
}

const skip = canUseNetns();

test('pods reach each other on one node and across nodes; teardown leaves nothing', { skip, timeout: 60_000 }, async (t) => {
  const forwardBefore = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
  const state = await mkdtemp(join(tmpdir(), 'kvts-net-'));
  const nodes = [
    new PodNetwork({ node: 'node250', index: 250, stateDir: join(state, 'n250') }),
    new PodNetwork({ node: 'node251', index: 251, stateDir: join(state, 'n251') }),
  ];
  const uids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const n of nodes) await n.cleanupAll().catch(() => undefined);
    await rm(state, { recursive: true, force: true });
  });

  for (const n of nodes) await n.init();
  const pods: PodNetworkResult[] = [];
  for (const [i, uid] of uids.entries()) pods.push(await nodes[i < 2 ? 0 : 1]!.setup(uid));
  const [a1, a2, b1] = pods as [PodNetworkResult, PodNetworkResult, PodNetworkResult];
  assert.deepEqual(pods.map((p) => p.ip), ['10.244.250.2', '10.244.250.3', '10.244.251.2', '10.244.251.3']);
  assert.equal(a1.netnsPath, `/run/netns/${podNames(uids[0]!).netns}`);
  assert.deepEqual(await nodes[0]!.setup(uids[0]!), a1, 'setup is idempotent for a running pod');
  const route = execFileSync(IP, ['-n', podNames(uids[0]!).netns, 'route', 'show', 'default'], { encoding: 'utf8' });
  assert.match(route, /default via 10\.244\.250\.1 dev eth0/);
  assert.match(execFileSync(NFT, ['list', 'table', 'ip', 'kubevirt_ts'], { encoding: 'utf8' }), /masquerade/);

  // Echo servers in a2 (node250) and b1 (node251).
  for (const [uid, pod] of [[uids[1]!, a2], [uids[2]!, b1]] as const) {
    const srv = inNetns(podNames(uid).netns, ECHO_SERVER, [pod.ip]);
    children.push(srv);
    const out = output(srv);
    await until(`echo server in ${pod.ip}`, () => (out.text().includes('ready') ? true : srv.exitCode !== null ? assert.fail(out.text()) : undefined), 15_000, 50);
  }
  // a1 -> a2 (same node), a1 -> b1 (across); b2 -> a2 (across), b2 -> b1 (same node).
  for (const [uid, targets] of [[uids[0]!, [a2.ip, b1.ip]], [uids[3]!, [a2.ip, b1.ip]]] as const) {
    const cli = inNetns(podNames(uid).netns, ECHO_CLIENT, [...targets]);
    children.push(cli);
    const out = output(cli);
    await out.exited;
    assert.deepEqual(JSON.parse(out.text().trim()), targets.map((ip) => `hi ${ip}`), `from ${uid}: ${out.text()}`);
  }
  await nodes[1]!.teardown(uids[2]!);
  assert.deepEqual(await leftovers([uids[2]!], []), []);
  const again = await nodes[1]!.setup(randomUUID());
  assert.equal(again.ip, '10.244.251.2', 'a released address is reused');

  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  for (const n of nodes) await n.cleanupAll();
  assert.deepEqual(await leftovers(uids, ['kvts-br250', 'kvts-br251']), []);
  assert.deepEqual((await readdir('/run/netns').catch(() => [])).filter((n) => n.startsWith('kvts-')), []);
  assert.throws(() => execFileSync(NFT, ['list', 'table', 'ip', 'kubevirt_ts'], { stdio: 'pipe' }));
  assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), forwardBefore, 'ip_forward restored');
});
