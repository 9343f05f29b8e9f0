/**
 * Ingress and IngressClass (networking.k8s.io/v1) through the real kubectl: `create ingress`
 * (a protobuf body with inline rule values), get with kubectl's columns, the status subresource,
 * describe, explain, and kube-apiserver's validation messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlSuite } from './harness.js';

const { skip, kubectl, ok } = kubectlSuite();

const rows = (out: string): string[][] => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

test('kubectl create ingress, get (columns), status, describe', { skip }, async () => {
  await ok(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: Params, name: p}
`);
  const classes = rows(await ok(['get', 'ingressclass']));
  // AGE ticks between requests: check its form, not its value.
  assert.deepEqual(classes.map((r) => r.slice(0, 3)), [['NAME', 'CONTROLLER', 'PARAMETERS'], ['nginx', 'k8s.io/ingress-nginx', 'Params.k8s.example.com/p']]);
  assert.deepEqual(classes.map((r) => r[3]), ['AGE', classes[1]?.[3]]);
  assert.match(classes[1]?.[3] ?? '', /^\d+s$/);
  assert.equal(await ok(['get', 'ingressclass', 'nginx', '-o', 'jsonpath={.spec.parameters.scope}']), 'Cluster');

  await ok(['create', 'service', 'clusterip', 'svc1', '--tcp=8080:80']);
  await ok(['create', 'ingress', 'simple', '--class=nginx', '--rule=foo.com/bar=svc1:8080,tls=my-cert', '--rule=bar.com/*=svc1:http', '--annotation=team=web']);
  const ing = JSON.parse(await ok(['get', 'ingress', 'simple', '-o', 'json'])) as { metadata: { generation: number }; spec: Record<string, unknown> };
  assert.deepEqual(ing.spec, {
    ingressClassName: 'nginx',
    rules: [
      { host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'svc1', port: { number: 8080 } } } }] } },
      { host: 'bar.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'svc1', port: { name: 'http' } } } }] } },
    ],
    tls: [{ hosts: ['foo.com'], secretName: 'my-cert' }],
  });
  assert.equal(ing.metadata.generation, 1);

  const table = rows(await ok(['get', 'ing']));
  assert.deepEqual(table[0], ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
  assert.deepEqual(table[1]?.slice(0, 4), ['simple', 'nginx', 'foo.com,bar.com', '80, 443']);

  // Status goes through the status subresource only; the table shows the address.
  await ok(['patch', 'ingress', 'simple', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}']);
  assert.deepEqual(rows(await ok(['get', 'ingress', 'simple', '--no-headers']))[0]?.slice(0, 5), ['simple', 'nginx', 'foo.com,bar.com', '192.0.2.10', '80, 443']);
  await ok(['patch', 'ingress', 'simple', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[]}},"spec":{"tls":null}}']);
  const after = JSON.parse(await ok(['get', 'ingress', 'simple', '-o', 'json'])) as { metadata: { generation: number }; status: unknown };
  assert.deepEqual(after.status, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } }, 'a main-resource update leaves status alone');
  assert.equal(after.metadata.generation, 2, 'a spec change bumps generation');

  const described = await ok(['describe', 'ingress', 'simple']);
  assert.match(described, /Name:\s+simple/);
  assert.match(described, /Ingress Class:\s+nginx/);
  assert.match(described, /Address:\s+192\.0\.2\.10/);
  assert.match(described, /foo\.com\s*\n\s+\/bar\s+svc1:8080/);
  assert.match(described, /Annotations:\s+team: web/);
});

test('DefaultIngressClass: a new Ingress without a class gets the newest default IngressClass', { skip }, async () => {
  await ok(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: traefik
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: traefik.io/ingress-controller}
`);
  await ok(['create', 'ingress', 'defaulted', '--rule=d.com/=svc1:80']);
  assert.equal(await ok(['get', 'ingress', 'defaulted', '-o', 'jsonpath={.spec.ingressClassName}']), 'traefik');
  await ok(['create', 'ingress', 'legacy', '--rule=l.com/=svc1:80', '--annotation=kubernetes.io/ingress.class=nginx']);
  assert.equal(await ok(['get', 'ingress', 'legacy', '-o', 'jsonpath={.spec.ingressClassName}']), '');
});

test('kube-apiserver\'s validation messages reach kubectl', { skip }, async () => {
  const bad = await kubectl(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad}
spec:
  rules:
  - host: "*.*.example.com"
    http:
      paths:
      - path: api
        pathType: Exact
        backend: {service: {name: svc1, port: {name: http, number: 80}}}
      - path: /
        backend: {service: {name: svc1, port: {number: 80}}}
`);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /The Ingress "bad" is invalid: \n\* /);
  assert.match(bad.stderr, /spec\.rules\[0\]\.host: Invalid value: "\*\.\*\.example\.com": a wildcard DNS-1123 subdomain must start with '\*\.'/);
  assert.match(bad.stderr, /spec\.rules\[0\]\.http\.paths\[0\]\.path: Invalid value: "api": must be an absolute path/);
  assert.match(bad.stderr, /spec\.rules\[0\]\.http\.paths\[0\]\.backend: Invalid value: "": cannot set both port name & port number/);
  assert.match(bad.stderr, /spec\.rules\[0\]\.http\.paths\[1\]\.pathType: Required value: pathType must be specified/);
  const noClass = await kubectl(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: broken}
spec: {controller: nginx}
`);
  assert.match(noClass.stderr, /The IngressClass "broken" is invalid: spec\.controller: Invalid value: "nginx": must be a domain-prefixed path \(such as "acme\.io\/foo"\)/);
});

test('kubectl explain and api-resources know Ingress and IngressClass', { skip }, async () => {
  const explained = await ok(['explain', 'ingress.spec.rules.http.paths.pathType']);
  assert.match(explained, /GROUP:\s+networking\.k8s\.io/);
  assert.match(explained, /pathType determines the interpretation of the path matching/);
  assert.match(await ok(['explain', 'ingressclass.spec']), /controller\s+<string>/);
  const resources = await ok(['api-resources', '--api-group=networking.k8s.io']);
  assert.match(resources, /ingressclasses\s+networking\.k8s\.io\/v1\s+false\s+IngressClass/);
  assert.match(resources, /ingresses\s+ing\s+networking\.k8s\.io\/v1\s+true\s+Ingress/);
});
