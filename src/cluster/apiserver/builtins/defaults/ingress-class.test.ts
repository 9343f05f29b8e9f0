import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta/index.js';
import { admitIngressClass, DEFAULT_INGRESS_CLASS_ANNOTATION, defaultIngressClassName } from './ingress-class.js';

const cls = (name: string, created: string, isDefault: boolean): KubeObject => ({
  metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { [DEFAULT_INGRESS_CLASS_ANNOTATION]: 'true' } } : {}) },
});

test('defaultIngressClassName picks the newest default class, ties by name', () => {
  const cases: [KubeObject[], string | undefined][] = [
    [[], undefined],
    [[cls('a', '2026-01-01T00:00:00Z', false)], undefined],
    [[cls('a', '2026-01-01T00:00:00Z', true), cls('b', '2026-01-02T00:00:00Z', false)], 'a'],
    [[cls('old', '2026-01-01T00:00:00Z', true), cls('new', '2026-01-02T00:00:00Z', true)], 'new'],
    [[cls('y', '2026-01-01T00:00:00Z', true), cls('x', '2026-01-01T00:00:00Z', true)], 'x'],
  ];
  for (const [classes, want] of cases) assert.equal(defaultIngressClassName(classes), want, JSON.stringify(classes.map((c) => c.metadata?.name)));
});

test('admitIngressClass fills in the default only for an Ingress that names no class', () => {
  const classes = [cls('nginx', '2026-01-01T00:00:00Z', true)];
  const cases: [string, KubeObject, string | undefined][] = [
    ['no class', { metadata: { name: 'i' }, spec: {} }, 'nginx'],
    ['no spec', { metadata: { name: 'i' } }, 'nginx'],
    ['its own class', { metadata: { name: 'i' }, spec: { ingressClassName: 'traefik' } }, 'traefik'],
    ['the legacy annotation', { metadata: { name: 'i', annotations: { 'kubernetes.io/ingress.class': 'traefik' } }, spec: {} }, undefined],
  ];
  for (const [name, ing, want] of cases) {
    admitIngressClass(ing, classes);
    assert.equal((ing.spec as { ingressClassName?: string }).ingressClassName, want, name);
  }
});
