import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { convertClock, DEFAULT_TIMERS } from './clock.js';

const spec = (clock?: Clock): VirtualMachineInstanceSpec => ({ domain: { devices: {}, ...(clock ? { clock } : {}) } });

test('clock offset: utc, utc with an offset, timezone', () => {
  const cases: [Clock | undefined, unknown][] = [
    [undefined, { offset: 'utc', adjustment: 'reset' }],
    [{ utc: {} }, { offset: 'utc', adjustment: 'reset' }],
    [{ utc: { offsetSeconds: 3600 } }, { offset: 'utc', adjustment: 3600 }],
    [{ timezone: 'America/New_York' }, { offset: 'timezone', timezone: 'America/New_York' }],
  ];
  for (const [c, want] of cases) assert.deepEqual(convertClock(spec(c)).$, want);
});

test('timers: defaults without a timer list, else exactly those listed', () => {
  assert.deepEqual(convertClock(spec()).timer, DEFAULT_TIMERS);
  const out = convertClock(spec({ utc: {}, timer: { rtc: { tickPolicy: 'catchup', track: 'guest', present: true }, hpet: { present: false }, kvm: { present: true }, hyperv: {} } }));
  assert.deepEqual(out.timer, [
    { $: { name: 'rtc', tickpolicy: 'catchup', present: 'yes', track: 'guest' } },
    { $: { name: 'kvmclock', present: 'yes' } },
    { $: { name: 'hpet', tickpolicy: undefined, present: 'no' } },
    { $: { name: 'hypervclock', present: 'yes' } },
  ]);
});
