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
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** The APF counters and gauges of one API server. */
export class FlowControlMetrics {
  private readonly series = new Map<string, Series>();

  private of(c: Classification): Series {
    const key = `${c.priorityLevel}\u0000${c.flowSchema}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { level: c.priorityLevel, schema: c.flowSchema, inqueue: 0, executing: 0, dispatched: 0, rejected: new Map() }));
    return s;
  }

  enqueued(c: Classification): void {
    this.of(c).inqueue++;
  }

  started(c: Classification): void {
    const s = this.of(c);
    s.inqueue--;
    s.executing++;
    s.dispatched++;
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
    return `${out.join('\n')}\n`;
  }
}
