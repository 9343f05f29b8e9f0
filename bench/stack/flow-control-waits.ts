/**
 * The API server's priority-and-fairness queueing during a run, from two /metrics texts: per
 * priority level, requests dispatched, their mean queue wait, and requests rejected (429).
 */

/** Samples of the APF wait histogram's _sum/_count and the rejection counter, by series text. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!/^apiserver_flowcontrol_(request_wait_duration_seconds_(sum|count)|rejected_requests_total)\{/.test(line)) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Per priority level between the two texts: { dispatched, meanWaitMs, rejected }. */
export function flowControlWaits(before: string, after: string): Record<string, { dispatched: number; meanWaitMs: number; rejected: number }> {
  const b = samples(before);
  const out: Record<string, { dispatched: number; waitSum: number; rejected: number }> = {};
  for (const [series, v] of samples(after)) {
    const level = /priority_level="([^"]*)"/.exec(series)?.[1] ?? '';
    const d = v - (b.get(series) ?? 0);
    const e = (out[level] ??= { dispatched: 0, waitSum: 0, rejected: 0 });
    if (series.includes('_count{')) e.dispatched += d;
    else if (series.includes('_sum{')) e.waitSum += d;
    else e.rejected += d;
  }
  return Object.fromEntries(Object.entries(out).map(([level, e]) => [level, { dispatched: e.dispatched, meanWaitMs: e.dispatched > 0 ? Math.round((e.waitSum / e.dispatched) * 10000) / 10 : 0, rejected: e.rejected }]));
}
