/** `<clock>`: UTC (with an offset) or a time zone, and the timers; without timers, upstream's rtc catchup, pit discard, hpet off. */
import type { Clock, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import type { ClockSpec, TimerSpec, YesNo } from './types.js';

const yesNo = (present: boolean | undefined): YesNo => (present === false ? 'no' : 'yes');

/** Timers when the VMI lists none. */
export const DEFAULT_TIMERS: readonly TimerSpec[] = [
  { $: { name: 'rtc', tickpolicy: 'catchup', present: 'yes' } },
  { $: { name: 'pit', tickpolicy: 'discard', present: 'yes' } },
  { $: { name: 'hpet', present: 'no' } },
];

function timers(timer: NonNullable<Clock['timer']>): TimerSpec[] {
  const out: TimerSpec[] = [];
  if (timer.rtc) out.push({ $: { name: 'rtc', tickpolicy: timer.rtc.tickPolicy, present: yesNo(timer.rtc.present), track: timer.rtc.track } });
  if (timer.pit) out.push({ $: { name: 'pit', tickpolicy: timer.pit.tickPolicy, present: yesNo(timer.pit.present) } });
  if (timer.kvm) out.push({ $: { name: 'kvmclock', present: yesNo(timer.kvm.present) } });
  if (timer.hpet) out.push({ $: { name: 'hpet', tickpolicy: timer.hpet.tickPolicy, present: yesNo(timer.hpet.present) } });
  if (timer.hyperv) out.push({ $: { name: 'hypervclock', present: yesNo(timer.hyperv.present) } });
  return out;
}

/** `<clock>` of the VMI. */
export function convertClock(spec: VirtualMachineInstanceSpec): ClockSpec {
  const clock = spec.domain.clock;
  const timer = clock?.timer ? timers(clock.timer) : DEFAULT_TIMERS.map((t) => ({ $: { ...t.$ } }));
  if (clock?.timezone) return { $: { offset: 'timezone', timezone: clock.timezone }, timer };
  const offset = clock?.utc?.offsetSeconds;
  return { $: { offset: 'utc', adjustment: offset ? offset : 'reset' }, timer };
}
