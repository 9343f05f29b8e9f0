/**
 * Prints the top self-time and total-time functions, and self time per file, of .cpuprofile files.
 * Usage: node --import tsx bench/profile/summarise.ts [--top 10] [--json] [--from S] [--to S]
 *          [--callers FN | --timeline] FILE.cpuprofile...
 * --from/--to keep the samples between those seconds since the profile's start; --timeline prints
 * busy ms per 5 s (to find the window); --callers FN the nearest project frames above FN's samples.
 */
import { readFileSync } from 'node:fs';
import { appCallers, summarise, timeline, type CpuProfile, type Row } from './cpuprofile.js';

const args = process.argv.slice(2);
const ti = args.indexOf('--top');
const n = ti >= 0 ? Number(args[ti + 1]) : 10;
const json = args.includes('--json');
const num = (flag: string): number | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const window = { fromS: num('--from'), toS: num('--to') };
const ci = args.indexOf('--callers');
const callers = ci >= 0 ? args[ci + 1] : undefined;
const files = args.filter((a, i) => a.endsWith('.cpuprofile') && i !== ti + 1);
if (files.length === 0) {
  console.error('usage: summarise.ts [--top N] [--json] FILE.cpuprofile...');
  process.exit(2);
}
const table = (title: string, rows: readonly Row[], busy: number): string =>
  [`  ${title}`, ...rows.map((r) => `    ${String(r.ms).padStart(7)} ms ${((100 * r.ms) / Math.max(1, busy)).toFixed(1).padStart(5)}%  ${r.name}`)].join('\n');
for (const f of files) {
  if (callers !== undefined) {
    const p = JSON.parse(readFileSync(f, 'utf8')) as CpuProfile;
    const busy = summarise(p, 0).busyMs;
    console.log(`${f}: project callers of ${callers}\n${table('nearest project frames', appCallers(p, callers, n, 3), busy)}`);
    continue;
  }
  if (args.includes('--timeline')) {
    console.log(`${f}: busy ms per 5 s\n${timeline(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile).map((ms, i) => `  ${String(i * 5).padStart(5)} s ${String(ms).padStart(6)}`).join('\n')}`);
    continue;
  }
  const s = summarise(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile, n, window);
  if (json) {
    console.log(JSON.stringify({ file: f, ...s }));
    continue;
  }
  console.log(`${f}: wall ${s.wallMs} ms, busy ${s.busyMs} ms (GC ${s.gcMs} ms)`);
  console.log(table('self time by function', s.selfByFunction, s.busyMs));
  console.log(table('total time by function', s.totalByFunction, s.busyMs));
  console.log(table('self time by file', s.selfByFile, s.busyMs));
}
