import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/meta/index.js';
import type { Classification } from './classify.js';
import { FlowControl, type Admission, type DispatcherRuntime, type FlowControlOptions } from './dispatcher.js';
import type { PriorityLevelName } from './levels.js';

/** A dispatcher on a manual clock: `flush()` runs deferred dispatches, `advance()` fires due timers. */
function harness(options: FlowControlOptions) {
  let now = 0;
  let deferred: (() => void)[] = [];
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  const rt: DispatcherRuntime = {
    now: () => now,
    defer: (fn) => void deferred.push(fn),
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => void (t.live = false);
    },
  };
  const fc = new FlowControl(options, rt);
  const started: string[] = [];
  const handles = new Map<string, Admission>();
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return {
    fc,
    started,
    admit(name: string, level: PriorityLevelName, flow = 'u'): Admission {
      const c: Classification = { flowSchema: `fs-${level}`, priorityLevel: level, flow };
      const a = fc.admit(c);
      handles.set(name, a);
      void a.ready.then(() => started.push(name));
      return a;
    },
    done(name: string): void {
      handles.get(name)?.done();
    },
    async flush(): Promise<void> {
      for (let i = 0; i < 100 && deferred.length > 0; i++) {
        const d = deferred;
        deferred = [];
        for (const fn of d) fn();
      }
      await settle();
    },
    async advance(ms: number): Promise<void> {
      now += ms;
      const due = timers.filter((t) => t.live && t.at <= now);
      timers = timers.filter((t) => !due.includes(t));
      for (const t of due) t.fn();
      await this.flush();
    },
  };
}

test('dispatch: higher levels start first when seats are taken, each as a seat frees', async () => {
  const h = harness({ seats: 1, maxWaitMs: 10_000 });
  h.admit('blocker', 'workload-low');
  await h.flush();
  assert.deepEqual(h.started, ['blocker']);
  for (const [name, level] of [['event1', 'workload-low'], ['user', 'global-default'], ['pod', 'workload-high'], ['status', 'system'], ['lease', 'node-high']] as const) h.admit(name, level);
  await h.flush();
  assert.deepEqual(h.started, ['blocker'], 'nothing starts while the only seat is taken');
  assert.equal(h.fc.queuedCount, 5);
  for (const name of ['blocker', 'lease', 'status', 'pod', 'user']) {
    h.done(name);
    await h.flush();
  }
  assert.deepEqual(h.started, ['blocker', 'lease', 'status', 'pod', 'user', 'event1']);
  assert.equal(h.fc.executingCount, 1);
  assert.equal(h.fc.queuedCount, 0);
});

test('dispatch: within one flush, free seats go in level order, not arrival order', async () => {
  const h = harness({ seats: 2, maxWaitMs: 10_000 });
  h.admit('e1', 'workload-low');
  h.admit('e2', 'workload-low');
  h.admit('p1', 'workload-high');
  h.admit('p2', 'workload-high');
  await h.flush();
  assert.deepEqual(h.started, ['p1', 'p2']);
});

test('dispatch: a level serves its flows round robin', async () => {
  const h = harness({ seats: 1, maxWaitMs: 10_000 });
  h.admit('blocker', 'workload-high', 'z');
  await h.flush();
  for (const [name, flow] of [['x1', 'x'], ['x2', 'x'], ['x3', 'x'], ['y1', 'y'], ['y2', 'y']]) h.admit(name as string, 'workload-high', flow);
  for (const name of ['blocker', 'x1', 'y1', 'x2', 'y2']) {
    await h.flush();
    h.done(name);
  }
  await h.flush();
  assert.deepEqual(h.started, ['blocker', 'x1', 'y1', 'x2', 'y2', 'x3']);
});

test('dispatch: a request waiting maxWaitMs starts first, even without a free seat', async () => {
  const h = harness({ seats: 1, maxWaitMs: 500 });
  h.admit('blocker', 'workload-high');
  await h.flush();
  h.admit('event', 'workload-low');
  await h.advance(200);
  h.admit('pod', 'workload-high');
  await h.advance(299);
  assert.deepEqual(h.started, ['blocker']);
  await h.advance(1);
  assert.deepEqual(h.started, ['blocker', 'event'], 'the aged event starts beside the blocker');
  assert.equal(h.fc.executingCount, 2);
  const text = h.fc.metrics.render();
  assert.match(text, /apiserver_flowcontrol_request_wait_duration_seconds_bucket\{flow_schema="fs-workload-low",priority_level="workload-low",execute="true",le="0.2"\} 0/);
  assert.match(text, /apiserver_flowcontrol_request_wait_duration_seconds_bucket\{flow_schema="fs-workload-low",priority_level="workload-low",execute="true",le="0.5"\} 1/);
  assert.match(text, /apiserver_flowcontrol_request_wait_duration_seconds_sum\{flow_schema="fs-workload-low",priority_level="workload-low",execute="true"\} 0.5/);
  h.done('blocker');
  await h.flush();
  assert.deepEqual(h.started, ['blocker', 'event'], 'the pod waits for a seat under the limit');
  h.done('event');
  await h.flush();
  assert.deepEqual(h.started, ['blocker', 'event', 'pod']);
});

test('admit: a full flow queue answers 429 TooManyRequests with Retry-After; other flows still queue', async () => {
  const h = harness({ seats: 1, queueLengthLimit: 2, maxWaitMs: 10_000, retryAfterSeconds: 3 });
  h.admit('blocker', 'workload-low', 'a');
  await h.flush();
  h.admit('a1', 'workload-low', 'a');
  h.admit('a2', 'workload-low', 'a');
  assert.throws(() => h.admit('a3', 'workload-low', 'a'), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 429);
    assert.equal(err.reason, 'TooManyRequests');
    assert.equal(err.message, 'Too many requests, please try again later.');
    assert.equal(err.details?.retryAfterSeconds, 3);
    return true;
  });
  h.admit('b1', 'workload-low', 'b');
  assert.equal(h.fc.queuedCount, 3);
  assert.match(h.fc.metrics.render(), /apiserver_flowcontrol_rejected_requests_total\{flow_schema="fs-workload-low",priority_level="workload-low",reason="queue-full"\} 1/);
  assert.match(h.fc.metrics.render(), /apiserver_flowcontrol_current_inqueue_requests\{flow_schema="fs-workload-low",priority_level="workload-low"\} 3/);
});

test('admit: catch-all rejects instead of queueing when no seat is free; exempt never waits', async () => {
  const h = harness({ seats: 1, maxWaitMs: 10_000 });
  h.admit('ok', 'catch-all');
  await h.flush();
  assert.throws(() => h.admit('no', 'catch-all'), (err: unknown) => err instanceof StatusError && err.code === 429);
  h.admit('admin', 'exempt');
  await h.flush();
  assert.deepEqual(h.started, ['ok', 'admin']);
  assert.equal(h.fc.executingCount, 1, 'exempt requests take no seat');
});

test('done: a queued request that goes away leaves its queue and never starts', async () => {
  const h = harness({ seats: 1, maxWaitMs: 10_000 });
  h.admit('blocker', 'system');
  await h.flush();
  h.admit('gone', 'workload-high');
  h.admit('kept', 'workload-low');
  h.done('gone');
  h.done('gone');
  assert.equal(h.fc.queuedCount, 1);
  h.done('blocker');
  h.done('blocker');
  await h.flush();
  assert.deepEqual(h.started, ['blocker', 'kept']);
  assert.equal(h.fc.executingCount, 1, 'a second done() frees nothing');
  assert.match(h.fc.metrics.render(), /reason="cancelled"\} 1/);
});
