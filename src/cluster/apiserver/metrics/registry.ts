/**
 * The API server's request metrics in Prometheus text format: apiserver_request_total and the
 * apiserver_request_duration_seconds histogram, kept in plain maps so recording one request costs
 * a string join, two map lookups and a bucket scan.
 */
import { requestLabelNames, type RequestLabels } from './labels.js';

/** kube-apiserver's buckets for apiserver_request_duration_seconds. */
export const durationBuckets: readonly number[] = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

interface Counted {
  readonly labels: RequestLabels;
  readonly code: string;
  n: number;
}

interface Timed {
  readonly labels: RequestLabels;
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly buckets: number[];
  sum: number;
  n: number;
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labelText(l: RequestLabels, extra = ''): string {
  const parts = requestLabelNames.map((k) => `${k}="${escape(l[k])}"`);
  return `{${parts.join(',')}${extra}}`;
}

const keyOf = (l: RequestLabels): string =>
  `${l.verb}\u0000${l.dry_run}\u0000${l.group}\u0000${l.version}\u0000${l.resource}\u0000${l.subresource}\u0000${l.scope}\u0000${l.component}`;

/** Request counters and latency histograms of one API server. */
export class RequestMetrics {
  private readonly counts = new Map<string, Counted>();
  private readonly durations = new Map<string, Timed>();

  /** Records one finished request: its labels, HTTP status code and duration in seconds. */
  observe(labels: RequestLabels, code: number, seconds: number): void {
    const key = keyOf(labels);
    const ck = `${key}\u0000${code}`;
    const c = this.counts.get(ck);
    if (c) c.n++;
    else this.counts.set(ck, { labels, code: String(code), n: 1 });
    let t = this.durations.get(key);
    if (!t) this.durations.set(key, (t = { labels, buckets: new Array<number>(durationBuckets.length + 1).fill(0), sum: 0, n: 0 }));
    let i = 0;
    while (i < durationBuckets.length && seconds > (durationBuckets[i] as number)) i++;
    t.buckets[i] = (t.buckets[i] ?? 0) + 1;
    t.sum += seconds;
    t.n++;
  }

  /** The metrics in Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [
      '# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      '# TYPE apiserver_request_total counter',
    ];
    for (const c of [...this.counts.values()].sort(bySeries)) out.push(`apiserver_request_total${labelText(c.labels, `,code="${c.code}"`)} ${c.n}`);
    out.push(
      '# HELP apiserver_request_duration_seconds [STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      '# TYPE apiserver_request_duration_seconds histogram',
    );
    for (const t of [...this.durations.values()].sort(bySeries)) {
      let cum = 0;
      durationBuckets.forEach((le, i) => {
        cum += t.buckets[i] ?? 0;
        out.push(`apiserver_request_duration_seconds_bucket${labelText(t.labels, `,le="${le}"`)} ${cum}`);
      });
      out.push(`apiserver_request_duration_seconds_bucket${labelText(t.labels, ',le="+Inf"')} ${t.n}`);
      out.push(`apiserver_request_duration_seconds_sum${labelText(t.labels)} ${t.sum}`);
      out.push(`apiserver_request_duration_seconds_count${labelText(t.labels)} ${t.n}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function bySeries(a: { labels: RequestLabels; code?: string }, b: { labels: RequestLabels; code?: string }): number {
  const ka = `${keyOf(a.labels)}\u0000${a.code ?? ''}`;
  const kb = `${keyOf(b.labels)}\u0000${b.code ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
