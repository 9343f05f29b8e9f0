/**
 * kube-apiserver's APF metrics for the built-in flow control, by priority_level and flow_schema:
 * requests waiting and executing now, dispatched and rejected (queue-full, concurrency-limit,
 * cancelled) totals, in Prometheus text format.
 */
import type { Classification } from './classify.js';

interface Series {
  readonly level: string;
  readonly schema: string;
  inqueue: number;
  executing: number;
  dispatched: number;
  readonly rejected: Map<string, number>;
  /** Waits of dispatched requests: non-cumulative counts per WAIT_BUCKETS slot (+Inf last), sum in seconds. */
  readonly waits: number[];
  waitSum: number;
}

/** apiserver_flowcontrol_request_wait_duration_seconds's buckets upstream. */
const WAIT_BUCKETS = [0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30];

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** The APF counters and gauges of one API server. */
export class FlowControlMetrics {
  private readonly series = new Map<string, Series>();

  private of(c: Classification): Series {
    const key = `${c.priorityLevel}\u0000${c.flowSchema}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { level: c.priorityLevel, schema: c.flowSchema, inqueue: 0, executing: 0, dispatched: 0, rejected: new Map(), waits: new Array<number>(WAIT_BUCKETS.length + 1).fill(0), waitSum: 0 }));
    return s;
  }

  enqueued(c: Classification): void {
    this.of(c).inqueue++;
  }

  started(c: Classification, waitedSeconds: number): void {
    const s = this.of(c);
    s.inqueue--;
    s.executing++;
    s.dispatched++;
    let i = 0;
    while (i < WAIT_BUCKETS.length && waitedSeconds > (WAIT_BUCKETS[i] as number)) i++;
    s.waits[i] = (s.waits[i] ?? 0) + 1;
    s.waitSum += waitedSeconds;
  }

  finished(c: Classification): void {
    this.of(c).executing--;
  }

  cancelled(c: Classification): void {
    this.of(c).inqueue--;
    this.rejected(c, 'cancelled');
  }

  rejected(c: Classification, reason: string): void {
    const r = this.of(c).rejected;
    r.set(reason, (r.get(reason) ?? 0) + 1);
  }

  /** Requests waiting now at `level` (all flow schemas). */
  inqueue(level: string): number {
    let n = 0;
    for (const s of this.series.values()) if (s.level === level) n += s.inqueue;
    return n;
  }

  /** The metrics in Prometheus text exposition format. */
  render(): string {
    const out: string[] = [];
    const labels = (s: Series, extra = ''): string => `{flow_schema="${esc(s.schema)}",priority_level="${esc(s.level)}"${extra}}`;
    const gauge = (name: string, help: string, pick: (s: Series) => number, kind = 'gauge'): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${kind}`);
      for (const s of this.series.values()) out.push(`${name}${labels(s)} ${pick(s)}`);
    };
    gauge('apiserver_flowcontrol_current_inqueue_requests', '[BETA] Number of requests currently pending in queues of the API Priority and Fairness subsystem', (s) => s.inqueue);
    gauge('apiserver_flowcontrol_current_executing_requests', '[BETA] Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage in the API Priority and Fairness subsystem', (s) => s.executing);
    gauge('apiserver_flowcontrol_dispatched_requests_total', '[BETA] Number of requests executed by API Priority and Fairness subsystem', (s) => s.dispatched, 'counter');
    out.push('# HELP apiserver_flowcontrol_rejected_requests_total [BETA] Number of requests rejected by API Priority and Fairness subsystem', '# TYPE apiserver_flowcontrol_rejected_requests_total counter');
    for (const s of this.series.values()) {
      for (const [reason, n] of s.rejected) out.push(`apiserver_flowcontrol_rejected_requests_total${labels(s, `,reason="${esc(reason)}"`)} ${n}`);
    }
    const wait = 'apiserver_flowcontrol_request_wait_duration_seconds';
    out.push(`# HELP ${wait} [BETA] Length of time a request spent waiting in its queue`, `# TYPE ${wait} histogram`);
    for (const s of this.series.values()) {
      let cum = 0;
      WAIT_BUCKETS.forEach((le, i) => {
        cum += s.waits[i] ?? 0;
        out.push(`${wait}_bucket${labels(s, `,execute="true",le="${le}"`)} ${cum}`);
      });
      out.push(`${wait}_bucket${labels(s, ',execute="true",le="+Inf"')} ${s.dispatched}`);
      out.push(`${wait}_sum${labels(s, ',execute="true"')} ${s.waitSum}`, `${wait}_count${labels(s, ',execute="true"')} ${s.dispatched}`);
    }
    return `${out.join('\n')}\n`;
  }
}
