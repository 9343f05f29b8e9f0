/**
 * An opt-in, in-process V8 CPU profile for the processes `up` starts (virt-api, virt-controller,
 * node agents): node refuses --cpu-prof in NODE_OPTIONS and `up` passes no node flags to its
 * children. With KUBEVIRT_TS_COMPONENT_CPU_PROF=DIR in `up`'s environment, each profiles itself
 * from start to stop and writes DIR/<name>.<pid>.cpuprofile (bench/profile/summarise.ts reads it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Stops the profile and writes it; resolves to the file written (undefined when profiling is off). */
export type StopProfile = () => Promise<string | undefined>;

/** The profile directory asked for by the environment, if any. */
export function cpuProfileDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.KUBEVIRT_TS_COMPONENT_CPU_PROF || undefined;
}

/** Starts profiling as `name` when `dir` (by default from the environment) is set. */
export async function startCpuProfile(name: string, dir: string | undefined = cpuProfileDir()): Promise<StopProfile> {
  if (!dir) return () => Promise.resolve(undefined);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}
