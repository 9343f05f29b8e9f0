import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../../api/meta/index.js';
import { containerFor, execPath, logPath, nodeEndpoint } from './node-path.js';

const pod = (containers: string[], init: string[] = [], nodeName?: string) => ({ metadata: { name: 'p' }, spec: { nodeName, containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) } });

test('containerFor defaults a single container and words errors as kube-apiserver does', () => {
  const cases: { pod: ReturnType<typeof pod>; req: string | null; want?: string; err?: RegExp }[] = [
    { pod: pod(['a']), req: null, want: 'a' },
    { pod: pod(['a', 'b']), req: 'b', want: 'b' },
    { pod: pod(['a'], ['i']), req: 'i', want: 'i' },
    { pod: pod(['a', 'b'], ['i']), req: null, err: /^a container name must be specified for pod p, choose one of: \[a b\] or one of the init containers: \[i\]$/ },
    { pod: pod(['a']), req: 'x', err: /^container x is not valid for pod p$/ },
  ];
  for (const c of cases) {
    if (c.want) assert.equal(containerFor(c.pod, c.req), c.want);
    else assert.throws(() => containerFor(c.pod, c.req), (e: unknown) => e instanceof StatusError && e.code === 400 && (c.err?.test(e.message) ?? false));
  }
});

test('nodeEndpoint reads InternalIP and the kubelet port, or says why not', () => {
  const node = { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 4321 } } } };
  assert.deepEqual(nodeEndpoint(pod(['a'], [], 'n1'), 'p', () => node), { node: 'n1', host: '127.0.0.1', port: 4321 });
  const code = (f: () => unknown): number => {
    try {
      f();
      return 0;
    } catch (e) {
      return (e as StatusError).code;
    }
  };
  assert.equal(code(() => nodeEndpoint(undefined, 'p', () => node)), 404);
  assert.equal(code(() => nodeEndpoint(pod(['a']), 'p', () => node)), 400);
  assert.equal(code(() => nodeEndpoint(pod(['a'], [], 'n2'), 'p', () => undefined)), 404);
  assert.equal(code(() => nodeEndpoint(pod(['a'], [], 'n1'), 'p', () => ({ metadata: { name: 'n1' }, status: {} }))), 503);
});

test('logPath and execPath translate pods/log and pods/exec queries to kubelet paths', () => {
  const q = (s: string) => new URLSearchParams(s);
  assert.equal(logPath('ns', 'p', 'c', q('container=c&follow=true&tailLines=3&previous=false&pretty=1')), '/containerLogs/ns/p/c?follow=true&previous=false&tailLines=3');
  assert.throws(() => logPath('ns', 'p', 'c', q('tailLines=x')), /invalid value "x" for tailLines/);
  assert.equal(execPath('ns', 'p', 'c', q('command=sh&command=-c&command=echo+a&stdin=true&stdout=true&tty=true')), '/exec/ns/p/c?command=sh&command=-c&command=echo+a&input=1&output=1&tty=1');
  assert.throws(() => execPath('ns', 'p', 'c', q('stdout=true')), /at least 1 command/);
  assert.throws(() => execPath('ns', 'p', 'c', q('command=ls')), /at least one of stdin, stdout, stderr/);
});
