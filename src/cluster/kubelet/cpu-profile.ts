/**
 * Opt-in CPU profiling of a node agent process (NODE_OPTIONS refuses --cpu-prof): with
 * KUBEVIRT_TS_NODE_AGENT_CPU_PROF_DIR=DIR set in `up`'s environment, each agent samples itself
 * through the inspector and writes DIR/node-agent-<name>-<pid>.cpuprofile when it stops
 * (read with bench/profile/summarise.ts).
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The profile directory asked for by the environment, if any. */
export function cpuProfileDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.KUBEVIRT_TS_NODE_AGENT_CPU_PROF_DIR || undefined;
}

/** Starts sampling; the returned function stops it and writes the profile (resolves to its path). */
export async function startCpuProfile(dir: string, name: string): Promise<() => Promise<string>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `node-agent-${name}-${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}
