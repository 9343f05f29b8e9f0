import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asksImpersonation } from './authn.js';
import { parseImpersonation } from '../authn/impersonation.js';

test('asksImpersonation: any Impersonate-* header, whatever its case; agrees with parseImpersonation', () => {
  const cases: [string[], boolean][] = [
    [[], false],
    [['Host', 'x', 'User-Agent', 'kubectl/v1.31'], false],
    [['Impersonate-User', 'jane'], true],
    [['impersonate-group', 'devs'], true],
    [['IMPERSONATE-UID', '42'], true],
    [['Impersonate-Extra-scopes', 'view'], true],
    [['Host', 'x', 'Impersonate-User', ''], true],
    [['X-Impersonate-User', 'jane'], false],
    [['Impersonate-', 'x'], false],
  ];
  for (const [raw, want] of cases) {
    assert.equal(asksImpersonation(raw), want, JSON.stringify(raw));
    // When it says no, the full parse finds nothing either (so skipping it changes nothing).
    if (!want) {
      const distinct: Record<string, string[]> = {};
      for (let i = 0; i < raw.length; i += 2) (distinct[(raw[i] as string).toLowerCase()] ??= []).push(raw[i + 1] as string);
      assert.equal(parseImpersonation(distinct), undefined, JSON.stringify(raw));
    }
  }
});
