/**
 * An in-process V8 CPU profile for components `up` runs as child processes (node refuses
 * --cpu-prof in NODE_OPTIONS, and `up` passes no node flags to them): when
 * KUBEVIRT_TS_COMPONENT_CPU_PROF names a directory, the process profiles itself from start to
 * stop and writes `<component>.<pid>.cpuprofile` there (bench/profile/summarise.ts reads it).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** Stops the profile and writes it; resolves once written (a no-op when profiling is off). */
export type StopProfile = () => Promise<void>;

const post = (s: Session, method: string, params?: object): Promise<unknown> =>
  new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));

/** Starts profiling `component` when `dir` (the environment's KUBEVIRT_TS_COMPONENT_CPU_PROF by default) is set. */
export async function startCpuProfile(component: string, dir: string | undefined = process.env.KUBEVIRT_TS_COMPONENT_CPU_PROF): Promise<StopProfile> {
  if (!dir) return () => Promise.resolve();
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 1000 });
  await post(session, 'Profiler.start');
  return async () => {
    const { profile } = (await post(session, 'Profiler.stop')) as { profile: unknown };
    writeFileSync(join(dir, `${component}.${process.pid}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}
