import { test } from 'node:test';
import assert from 'node:assert/strict';
import { masqueradeLinkCommands, masqueradeRuleset, randomMac } from './masquerade.js';

test('masquerade ruleset: DNAT all ports or only the listed ones, masquerade the guest out of eth0', () => {
  const cases: { name: string; ports: { port: number; protocol?: string }[]; want: string[]; not: string[] }[] = [
    { name: 'all ports', ports: [], want: ['iifname "eth0" ip daddr 10.244.0.5 meta l4proto { tcp, udp } dnat ip to 10.0.2.2'], not: ['dport'] },
    {
      name: 'listed', ports: [{ port: 80 }, { port: 22, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
      want: ['tcp dport { 80, 22 } dnat ip to 10.0.2.2', 'udp dport { 53 } dnat ip to 10.0.2.2'], not: ['l4proto'],
    },
  ];
  for (const tc of cases) {
    const rs = masqueradeRuleset('eth0', '10.244.0.5', tc.ports);
    for (const w of tc.want) assert.ok(rs.includes(w), `${tc.name}: ${w}\n${rs}`);
    for (const n of tc.not) assert.ok(!rs.includes(n), `${tc.name}: unexpected ${n}`);
    assert.ok(rs.includes('ip saddr 10.0.2.2 oifname "eth0" masquerade'));
    assert.ok(rs.startsWith('table ip kubevirt_ts {'));
  }
});

test('random MACs are unicast in 52:54:00', () => {
  const m = randomMac();
  assert.match(m, /^52:54:00(:[0-9a-f]{2}){3}$/);
  assert.notEqual(m, randomMac());
});

test('masquerade links: bridge with the gateway address, tap at the pod MTU, enslaved before up', () => {
  const cmds = masqueradeLinkCommands(1450).map((c) => c.join(' '));
  assert.deepEqual(cmds, [
    'link add k6t-eth0 type bridge', 'addr add 10.0.2.1/24 dev k6t-eth0', 'tuntap add dev tap0 mode tap',
    'link set dev tap0 mtu 1450', 'link set dev k6t-eth0 mtu 1450', 'link set dev tap0 master k6t-eth0 up', 'link set dev k6t-eth0 up',
  ]);
});
