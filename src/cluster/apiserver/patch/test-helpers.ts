/** Assertions shared by the patch tests. */
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/meta/index.js';

/** Asserts that fn throws a StatusError with this code, reason and message (and, given, one UnexpectedServerResponse cause). */
export function rejects(fn: () => unknown, code: number, reason: string, message: string, causeMessage?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    if (causeMessage !== undefined) {
      assert.equal(e.message, message);
      assert.deepEqual(e.details?.causes, [{ reason: 'UnexpectedServerResponse', message: causeMessage }]);
    } else assert.equal(e.message, message);
    return true;
  });
}

/** A small pod fixture, fresh on each call. */
export const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] },
});
