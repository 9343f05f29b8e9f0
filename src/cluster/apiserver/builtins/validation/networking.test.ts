import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type KubeObject } from '../../../../api/meta/index.js';
import { findBuiltinByKind } from '../catalogue.js';
import { defaultBuiltin } from '../defaults/index.js';
import { validateBuiltin } from './index.js';

/** Defaults then validates, rendering errors as kubectl prints them. */
function check(kind: 'Ingress' | 'IngressClass', obj: KubeObject, old?: KubeObject): string[] {
  const info = findBuiltinByKind('networking.k8s.io', 'v1', kind);
  assert.ok(info);
  defaultBuiltin(info, obj);
  return validateBuiltin(info, obj, old).map(fieldErrorMessage);
}

const svc = (name = 'web', port: Record<string, unknown> = { number: 80 }) => ({ service: { name, port } });
const ingress = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  metadata: { name: 'ing', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec,
});
const rule = (paths: unknown[], host?: string) => ({ ...(host !== undefined ? { host } : {}), http: { paths } });
const path = (p: string | undefined, pathType: string | undefined, backend: unknown = svc()) => ({
  ...(p !== undefined ? { path: p } : {}),
  ...(pathType !== undefined ? { pathType } : {}),
  backend,
});

const SUBDOMAIN_REGEX = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const WILDCARD_MSG = `a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.${SUBDOMAIN_REGEX}')`;
const SUBDOMAIN_MSG = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN_REGEX}')`;

test('Ingress validation follows kube-apiserver', () => {
  const cases: [string, KubeObject, string[]][] = [
    ['a prefix rule', ingress({ rules: [rule([path('/api', 'Prefix')], 'foo.example.com')] }), []],
    ['a wildcard host', ingress({ rules: [rule([path('/', 'Exact')], '*.example.com')] }), []],
    ['defaultBackend only', ingress({ defaultBackend: svc('web', { name: 'http' }) }), []],
    ['a resource backend', ingress({ defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } }), []],
    ['ImplementationSpecific without a path', ingress({ rules: [rule([path(undefined, 'ImplementationSpecific')])] }), []],
    ['nothing to route', ingress({}), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']],
    ['a bad wildcard', ingress({ rules: [rule([path('/', 'Prefix')], '*.*.example.com')] }), [`spec.rules[0].host: Invalid value: "*.*.example.com": ${WILDCARD_MSG}`]],
    ['an IP host', ingress({ rules: [rule([path('/', 'Prefix')], '10.0.0.1')] }), ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']],
    ['an uppercase host', ingress({ rules: [rule([path('/', 'Prefix')], 'Foo.com')] }), [`spec.rules[0].host: Invalid value: "Foo.com": ${SUBDOMAIN_MSG}`]],
    ['no paths', ingress({ rules: [rule([], 'a.com')] }), ['spec.rules[0].http.paths: Required value']],
    ['no pathType', ingress({ rules: [rule([path('/', undefined)])] }), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    ['an unknown pathType', ingress({ rules: [rule([path('/', 'Regex')])] }), ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"']],
    ['a relative Exact path', ingress({ rules: [rule([path('api', 'Exact')])] }), ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']],
    [
      'an unclean Prefix path',
      ingress({ rules: [rule([path('/a//b/..', 'Prefix')])] }),
      ["spec.rules[0].http.paths[0].path: Invalid value: \"/a//b/..\": must not contain '//'", "spec.rules[0].http.paths[0].path: Invalid value: \"/a//b/..\": cannot end with '/..'"],
    ],
    ['a relative ImplementationSpecific path', ingress({ rules: [rule([path('x', 'ImplementationSpecific')])] }), ['spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path']],
    ['no backend', ingress({ rules: [rule([path('/', 'Prefix', {})])] }), ['spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required']],
    [
      'both backends',
      ingress({ defaultBackend: { ...svc(), resource: { kind: 'B', name: 'b' } } }),
      ['spec.defaultBackend: Invalid value: "": cannot set both resource and service backends'],
    ],
    ['no service name', ingress({ defaultBackend: svc('') }), ['spec.defaultBackend.service.name: Required value']],
    [
      'a service name that is no DNS-1035 label',
      ingress({ defaultBackend: svc('1web') }),
      ["spec.defaultBackend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
    ],
    ['no port', ingress({ defaultBackend: svc('web', {}) }), ['spec.defaultBackend: Required value: port name or number is required']],
    ['port name and number', ingress({ defaultBackend: svc('web', { name: 'http', number: 80 }) }), ['spec.defaultBackend: Invalid value: "": cannot set both port name & port number']],
    ['a port out of range', ingress({ defaultBackend: svc('web', { number: 70000 }) }), ['spec.defaultBackend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['a bad port name', ingress({ defaultBackend: svc('web', { name: 'HTTP' }) }), ['spec.defaultBackend.service.port.name: Invalid value: "HTTP": must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)', 'spec.defaultBackend.service.port.name: Invalid value: "HTTP": must contain at least one letter (a-z)']],
    ['a resource without kind', ingress({ defaultBackend: { resource: { name: 'b' } } }), ['spec.defaultBackend.resource.kind: Required value: kind is required']],
    [
      'TLS hosts and secret',
      ingress({ defaultBackend: svc(), tls: [{ hosts: ['*.example.com', 'bad_host'], secretName: 'Bad' }] }),
      [`spec.tls[0].hosts[1]: Invalid value: "bad_host": ${SUBDOMAIN_MSG}`, `spec.tls[0].secretName: Invalid value: "Bad": ${SUBDOMAIN_MSG}`],
    ],
    ['a bad class name', ingress({ defaultBackend: svc(), ingressClassName: 'Nginx' }), [`spec.ingressClassName: Invalid value: "Nginx": ${SUBDOMAIN_MSG}`]],
    [
      'class annotation and field disagree',
      ingress({ defaultBackend: svc(), ingressClassName: 'nginx' }, { 'kubernetes.io/ingress.class': 'traefik' }),
      ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified'],
    ],
  ];
  for (const [name, obj, want] of cases) assert.deepEqual(check('Ingress', obj), want, name);
});

test('Ingress status updates check load-balancer addresses', () => {
  const old = ingress({ defaultBackend: svc() });
  const withStatus = (lb: unknown[]): KubeObject => ({ ...ingress({ defaultBackend: svc() }), status: { loadBalancer: { ingress: lb } } });
  assert.deepEqual(check('Ingress', withStatus([{ ip: '192.0.2.1' }, { hostname: 'lb.example.com' }]), old), []);
  assert.deepEqual(check('Ingress', withStatus([{ ip: '300.1.1.1' }, { hostname: '192.0.2.1' }]), old), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'status.loadBalancer.ingress[1].hostname: Invalid value: "192.0.2.1": must be a DNS name, not an IP address',
  ]);
});

test('IngressClass validation and defaults', () => {
  const ic = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'nginx' }, spec });
  const cases: [string, KubeObject, string[]][] = [
    ['a controller', ic({ controller: 'k8s.io/ingress-nginx' }), []],
    ['cluster parameters (scope defaulted)', ic({ controller: 'example.com/c', parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' } }), []],
    ['namespaced parameters', ic({ controller: 'example.com/c', parameters: { kind: 'Params', name: 'p', scope: 'Namespace', namespace: 'ns' } }), []],
    ['no controller', ic({}), ['spec.controller: Required value']],
    ['no domain', ic({ controller: 'nginx' }), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']],
    ['a long controller', ic({ controller: `example.com/${'x'.repeat(250)}` }), ['spec.controller: Too long: must have at most 250 bytes']],
    ['Namespace scope without namespace', ic({ controller: 'a.io/c', parameters: { kind: 'K', name: 'n', scope: 'Namespace' } }), ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]],
    ['Cluster scope with namespace', ic({ controller: 'a.io/c', parameters: { kind: 'K', name: 'n', scope: 'Cluster', namespace: 'ns' } }), ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]],
    ['an unknown scope', ic({ controller: 'a.io/c', parameters: { kind: 'K', name: 'n', scope: 'Global' } }), ['spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"']],
  ];
  for (const [name, obj, want] of cases) assert.deepEqual(check('IngressClass', obj), want, name);
  const defaulted = ic({ controller: 'a.io/c', parameters: { kind: 'K', name: 'n' } });
  check('IngressClass', defaulted);
  assert.equal((defaulted.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
  assert.deepEqual(check('IngressClass', ic({ controller: 'b.io/c' }), ic({ controller: 'a.io/c' })), ['spec.controller: Invalid value: "b.io/c": field is immutable']);
});
