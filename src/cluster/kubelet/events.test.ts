import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDuration, podEvents } from './events.js';

test('durations print as Go time.Duration does', () => {
  const cases: [number, string][] = [[250, '250ms'], [1000, '1s'], [1234, '1.234s'], [15_981, '15.981s'], [0, '0ms']];
  for (const [ms, want] of cases) assert.equal(goDuration(ms), want);
});

test('pod events carry kubelet reasons and wording', () => {
  const cases: [{ type: string; reason: string; message: string }[], string[]][] = [
    [[podEvents.pulling('busybox:1')], ['Normal Pulling Pulling image "busybox:1"']],
    [[podEvents.pulled('busybox:1', 1500)], ['Normal Pulled Successfully pulled image "busybox:1" in 1.5s (1.5s including waiting)']],
    [[podEvents.present('busybox:1')], ['Normal Pulled Container image "busybox:1" already present on machine']],
    [podEvents.pullFailed('busybox:1', 'ErrImagePull', 'failed to pull and unpack image "x": 404'), ['Warning Failed Failed to pull image "busybox:1": failed to pull and unpack image "x": 404', 'Warning Failed Error: ErrImagePull']],
    [podEvents.pullFailed('b', 'ErrImageNeverPull', 'Container image "b" is not present with pull policy of Never'), ['Warning ErrImageNeverPull Container image "b" is not present with pull policy of Never', 'Warning Failed Error: ErrImageNeverPull']],
    [podEvents.pullFailed('B', 'InvalidImageName', 'Failed to apply default image tag "B": bad'), ['Warning InspectFailed Failed to apply default image tag "B": bad', 'Warning Failed Error: InvalidImageName']],
    [podEvents.pullBackOff('busybox:1'), ['Normal BackOff Back-off pulling image "busybox:1"', 'Warning Failed Error: ImagePullBackOff']],
    [[podEvents.created('main'), podEvents.started('main'), podEvents.killing('main')], ['Normal Created Created container: main', 'Normal Started Started container main', 'Normal Killing Stopping container main']],
    [[podEvents.probeKill('main', 'liveness')], ['Normal Killing Container main failed liveness probe, will be restarted']],
    [[podEvents.crashLoop('main', 'p', 'ns', 'u1')], ['Warning BackOff Back-off restarting failed container main in pod p_ns(u1)']],
  ];
  for (const [events, want] of cases) assert.deepEqual(events.map((e) => `${e.type} ${e.reason} ${e.message}`), want);
});
